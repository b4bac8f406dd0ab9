"""Rasa's entity annotations in an NLU example, and the example's plain text without them.

Both forms occur in data/nlu: `[Neukölln](location)` and, where the written word is not the
value (an Arabic preposition glued to the place), `[بنويكولن]{"entity": "location", "value":
"نويكولن"}`. Every reader of the examples' text (the overlap check, the danger model's training,
the evaluator, the language identifier, the tests) reads them here. Standard library and PyYAML
only (both venvs).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def plain_text(example: str) -> str:
    """`example` as the person typed it: every annotation replaced by its words."""
    return ANNOTATION.sub(r"\1", example)


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) of every example of a Rasa NLU YAML file, annotations removed; blocks
    without an intent (synonyms, lookups) are skipped."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append((plain_text(line[2:]), block["intent"]))
    return out
