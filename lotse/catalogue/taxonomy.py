"""Topics and subtopics (data/catalogue/taxonomy.yml): recognise a subtopic in a client's words.

The NLU recognises the topic (ask_education); the subtopic (Kita, recognition of qualifications) is
found by keywords in the message, in any of the eight languages. Keywords are data, so a region can
add words without retraining the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from lotse.catalogue.hsds import TaxonomyTerm
from lotse.settings import PROJECT_ROOT
from lotse.text import contains_words, fold

MIN_STEM_CHANGE = 7
TAXONOMY_FILE = PROJECT_ROOT / "data" / "catalogue" / "taxonomy.yml"


@dataclass(frozen=True)
class Term:
    code: str
    parent: str | None
    names: dict[str, str]
    keywords: tuple[tuple[str, ...], ...]
    """Folded keyword word sequences, all languages together."""


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> dict[str, Term]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms: dict[str, Term] = {}
    for code, spec in (data.get("terms") or {}).items():
        words = {
            tuple(fold(k).split())
            for per_language in (spec.get("keywords") or {}).values()
            for k in per_language or []
            if fold(str(k))
        }
        terms[code] = Term(
            code=code,
            parent=spec.get("parent"),
            names=dict(spec.get("name") or {}),
            keywords=tuple(sorted(words)),
        )
    return terms


def subtopics(topic: str) -> list[str]:
    return [t.code for t in load_taxonomy().values() if t.parent == topic]


def topic_of(code: str) -> str | None:
    """The topic a term belongs to (itself for a topic); None if unknown."""
    term = load_taxonomy().get(code)
    if term is None:
        return None
    return term.parent or term.code


def match_subtopic(text: str, topic: str | None = None) -> str | None:
    """The subtopic named in `text` (within `topic` if given); the longest keyword wins."""
    words = fold(text).split()
    if not words:
        return None
    best: tuple[int, str] | None = None
    for code, keyword in _subtopic_keywords(topic).candidates(words):
        if mentions(words, keyword):
            score = sum(len(w) for w in keyword)
            if best is None or score > best[0]:
                best = (score, code)
    return best[1] if best else None


@cache
def _subtopic_keywords(topic: str | None) -> KeywordIndex:
    return KeywordIndex(
        (term.code, keyword)
        for term in load_taxonomy().values()
        if term.parent is not None and not (topic and term.parent != topic)
        for keyword in term.keywords
    )


PREFIX = 3
"""Letters of a keyword's first word that any word it `mentions` shares (see KeywordIndex)."""


class KeywordIndex:
    """Keywords by the first letters of their first word, so a text is checked only against
    the keywords that can match it, not against all of them (hundreds, in eight languages).

    `mentions` matches the first word exactly, or (one-word keywords) as a prefix of the word
    said (Kita → Kitas), or by its stem without the last two letters (at least MIN_STEM_CHANGE
    letters: a stem of five or more); in each case the word said begins with the keyword's
    first PREFIX letters (or is the whole keyword, if shorter). `candidates` keeps the keywords'
    order, so whoever wins a tie wins it as before."""

    def __init__(self, keywords: Iterable[tuple[str, tuple[str, ...]]]) -> None:
        self._by_prefix: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
        for order, (code, keyword) in enumerate(keywords):
            entry = (order, code, keyword)
            self._by_prefix.setdefault(keyword[0][:PREFIX], []).append(entry)

    def candidates(self, words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        """(code, keyword) pairs that may occur in `words`, in their original order."""
        found = [
            entry
            for prefix in {word[:PREFIX] for word in words}
            for entry in self._by_prefix.get(prefix, ())
        ]
        return [(code, keyword) for _, code, keyword in sorted(found)]


def mentions(words: list[str], keyword: tuple[str, ...]) -> bool:
    """Whole words; the keyword's last word may take a short ending (Kita → Kitas) or, if long,
    change its last two letters (дитсадок → дитсадку, Anerkennung → Anerkennungen)."""
    if contains_words(words, keyword, max_ending=2, min_stem=4):
        return True
    last = keyword[-1]
    if len(last) < MIN_STEM_CHANGE:
        return False
    stem, n = last[:-2], len(keyword)
    for i in range(len(words) - n + 1):
        said = words[i + n - 1]
        if (
            tuple(words[i : i + n - 1]) == keyword[:-1]
            and said.startswith(stem)
            and abs(len(said) - len(last)) <= 2
        ):
            return True
    return False


def sync_terms(session: Session) -> None:
    """Make the taxonomy_term table match the taxonomy file (parents first)."""
    existing = {t.id: t for t in session.query(TaxonomyTerm)}
    for term in sorted(load_taxonomy().values(), key=lambda t: t.parent is not None):
        name = term.names.get("de") or term.code
        row = existing.get(term.code)
        if row is None:
            session.add(TaxonomyTerm(id=term.code, name=name, parent_id=term.parent))
        elif (row.name, row.parent_id) != (name, term.parent):
            row.name, row.parent_id = name, term.parent
    session.flush()
