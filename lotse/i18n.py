"""Texts in the eight languages, read from domain/responses/<lang>.yml (never literals in code).

The same files feed Rasa's responses (nlu/responses.py), the gateway's own texts and the parts
the action server composes offer cards from, so a translator edits one file per language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lotse import DEFAULT_LANGUAGE, LANGUAGES
from lotse.settings import PROJECT_ROOT

RESPONSES_DIR = PROJECT_ROOT / "domain" / "responses"


@cache
def language_file(language: str, directory: Path = RESPONSES_DIR) -> dict[str, Any]:
    path = directory / f"{language}.yml"
    if language not in LANGUAGES or not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def section(language: str, name: str) -> Any:
    """A section (`lotse_card`, `lotse_weekdays`, …) in `language`, else in German."""
    value = language_file(language).get(name)
    return value if value else language_file(DEFAULT_LANGUAGE).get(name)


def text(language: str, name: str, key: str) -> str:
    """One text of a mapping section, falling back to German for a missing key."""
    table = section(language, name) or {}
    value = table.get(key)
    if value is None:
        value = (language_file(DEFAULT_LANGUAGE).get(name) or {})[key]
    return str(value)


def known_language_codes() -> frozenset[str]:
    """The language codes Lotse can name (German file's `lotse_language_names`): the only codes
    a catalogue may use, so no card ever shows a bare code."""
    return frozenset(language_file(DEFAULT_LANGUAGE).get("lotse_language_names") or {})


def language_name(code: str, reader: str) -> str:
    """The name of language `code` in the reader's language ("Arabisch" for a German reader)."""
    name = (section(reader, "lotse_language_names") or {}).get(code)
    if name is None:
        name = (language_file(DEFAULT_LANGUAGE).get("lotse_language_names") or {}).get(code)
    return str(name) if name is not None else code
