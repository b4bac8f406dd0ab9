"""The gateway's own texts, read from domain/responses/<lang>.yml (never literals in code).

The gateway holds these itself so it can answer even when Rasa cannot be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from lotse import DEFAULT_LANGUAGE, LANGUAGES
from lotse.settings import PROJECT_ROOT

RESPONSES_DIR = PROJECT_ROOT / "domain" / "responses"


@dataclass(frozen=True)
class Texts:
    gateway: dict[str, dict[str, str]]
    topics: dict[str, dict[str, str]]
    emergency: dict[str, str]
    """`utter_emergency` per language: the gateway sends it itself when Rasa cannot answer."""

    def get(self, language: str, key: str) -> str:
        table = self.gateway.get(language) or self.gateway[DEFAULT_LANGUAGE]
        return table.get(key) or self.gateway[DEFAULT_LANGUAGE][key]


@cache
def load_texts(directory: Path = RESPONSES_DIR) -> Texts:
    gateway: dict[str, dict[str, str]] = {}
    topics: dict[str, dict[str, str]] = {}
    emergency: dict[str, str] = {}
    for lang in LANGUAGES:
        path = directory / f"{lang}.yml"
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        gateway[lang] = data.get("lotse_gateway_texts") or {}
        topics[lang] = data.get("lotse_topics") or {}
        emergency[lang] = (data.get("lotse_responses") or {})["utter_emergency"][0]["text"]
    if DEFAULT_LANGUAGE not in gateway:
        raise RuntimeError(f"{directory}/{DEFAULT_LANGUAGE}.yml with gateway texts is missing")
    return Texts(gateway=gateway, topics=topics, emergency=emergency)
