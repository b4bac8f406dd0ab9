"""Rasa's entity annotations in an NLU example, and the example's plain text without them.

Both forms occur in data/nlu: `[Neukölln](location)` and, where the written word is not the
value (an Arabic preposition glued to the place), `[بنويكولن]{"entity": "location", "value":
"نويكولن"}`. Every reader of the examples' text (the overlap check, the danger model's training,
the evaluator, the tests) strips both the same way. Standard library only (both venvs).
"""

from __future__ import annotations

import re

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def plain_text(example: str) -> str:
    """`example` as the person typed it: every annotation replaced by its words."""
    return ANNOTATION.sub(r"\1", example)
