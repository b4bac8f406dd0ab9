"""Offer features people filter by (childcare during the course, evening / alongside work, youth
career companions, online, women only, free of charge): the codes, and finding them in a
client's words (data/catalogue/features.yml).

Like subtopics, features are recognised by keywords in any of the eight languages, so a region adds
words without retraining. A search with features ranks the offers that have them first.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from lotse.catalogue.taxonomy import KeywordIndex, mentions
from lotse.settings import PROJECT_ROOT
from lotse.text import fold

FEATURES_FILE = PROJECT_ROOT / "data" / "catalogue" / "features.yml"
FEATURES: tuple[str, ...] = (
    "childcare",
    "evening",
    "youth_career",
    "online",
    "women_only",
    "free_of_charge",
)
"""What an offer can have: `childcare` (children looked after during the course), `evening`
(evenings or weekends, alongside work), `youth_career` (youth career help: AVdual companions,
Jugendberufshilfe), `online` (also by video or online), `women_only`, `free_of_charge`."""


@cache
def feature_keywords(path: Path = FEATURES_FILE) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Folded keyword word sequences per feature, all languages together."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    keywords: dict[str, tuple[tuple[str, ...], ...]] = {}
    for code, spec in (data.get("features") or {}).items():
        if code not in FEATURES:
            raise ValueError(f"{path}: unknown feature {code!r}")
        keywords[code] = tuple(
            sorted(
                {
                    tuple(fold(str(k)).split())
                    for per_language in (spec.get("keywords") or {}).values()
                    for k in per_language or []
                    if fold(str(k))
                }
            )
        )
    return keywords


def match_features(text: str) -> frozenset[str]:
    """The features named in `text`."""
    words = fold(text).split()
    if not words:
        return frozenset()
    return frozenset(
        code for code, keyword in _feature_index().candidates(words) if mentions(words, keyword)
    )


@cache
def _feature_index() -> KeywordIndex:
    return KeywordIndex(
        (code, keyword) for code, keywords in feature_keywords().items() for keyword in keywords
    )
