"""Stories composed of the danger model's training messages (nlu/danger_model.py).

A person in danger often writes a story that begins with a flat or a course, and in a bag of
n-grams the ordinary words of such a story speak against the danger: the blind sets' misses were
mostly of this kind (docs/decisions.md, session 13). So the model also learns from stories made of
its own messages: an ordinary message of the same language put before or after a danger is a
danger; before or after a look-alike or another ordinary message it is not. Standard library only,
so the unit tests can check it without scikit-learn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import List, Sequence, Tuple

STORIES_PER_DANGER = 1
STORIES_OF_OTHERS = 3.0
"""Composed stories per danger, and ordinary ones per composed danger story. Chosen in session 13
in 5-fold cross-validation (stories composed within each fold's training part only) by the
dangers out of fold above both the highest other message and the unit tests' look-alikes (scored
by the model trained on everything, with a margin of 0.3 in log-odds): none / 1 and 2 / 1 and 3 /
1 and 4 / 2 and 2 / 2 and 3 (C = 8) → 652 / 856 / 873 / 845 / 662 / 651. With two stories per
danger "a baby drank" look-alikes rose to 0.99; with one and three they stay below 0.981."""
MIN_FILLER_WORDS = 3
"""An ordinary message of fewer words ("ok", "danke") adds nothing to a story."""


@dataclass(frozen=True)
class Example:
    """What the model reads of one training message (`lotse.safety.model_input`)."""

    text: str
    danger: bool
    language: str
    look_alike: bool = False
    """A look-alike of the development set: ordinary, but full of a danger's words."""


def composed_stories(rows: Sequence[Example], seed: int) -> Tuple[List[str], List[int]]:
    """Stories composed of `rows` only: each danger (STORIES_PER_DANGER times) with an ordinary
    message of its language before or after it (label 1), then STORIES_OF_OTHERS times as many
    ordinary messages with a look-alike (each look-alike once, first) or another ordinary message
    (label 0), so that length itself says nothing."""
    rng = random.Random(seed)
    fillers: dict[str, List[str]] = {}
    for row in rows:
        ordinary = not row.danger and not row.look_alike
        if ordinary and len(row.text.split()) >= MIN_FILLER_WORDS:
            fillers.setdefault(row.language, []).append(row.text)

    def story(row: Example) -> str:
        filler = rng.choice(fillers[row.language])
        return f"{filler} {row.text}" if rng.random() < 0.5 else f"{row.text} {filler}"

    texts: List[str] = []
    for row in rows:
        if row.danger and row.language in fillers:
            texts += [story(row) for _ in range(STORIES_PER_DANGER)]
    labels = [1] * len(texts)
    others = [row for row in rows if not row.danger and row.language in fillers]
    look_alikes = [row for row in others if row.look_alike]
    for i in range(int(len(texts) * STORIES_OF_OTHERS)):
        texts.append(story(look_alikes[i] if i < len(look_alikes) else rng.choice(others)))
        labels.append(0)
    return texts, labels
