"""Foreign taxonomies: which Lotse topic a term of another taxonomy stands for.

The mapping lives in the database (TaxonomyMapping, edited in the admin) and comes as a file
too: `taxonomy,term,topic,subtopic` (CSV), imported with `lotse catalogue import`. `term` is the
term's code, id or name, compared without case; `taxonomy` is the taxonomy's name or id as the
package gives it, empty for any. The term `*` is the fallback: the topic of every service of
that taxonomy (or, with `taxonomy` empty, of the whole package) that no other rule maps.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.catalogue.files import read_csv_file
from lotse.catalogue.hsds_kept import TaxonomyMapping
from lotse.catalogue.hsds_package import Mapping
from lotse.catalogue.records import CatalogueError, Invalid, check_subtopic, check_topic
from lotse.catalogue.taxonomy import sync_terms

MAPPING_COLUMNS = ("taxonomy", "term", "topic", "subtopic")


def mapping_of(session: Session) -> Mapping:
    """The lookup the HSDS import uses, read once."""
    rules = [
        (m.taxonomy.strip().lower(), m.term.strip().lower(), m.topic, m.subtopic)
        for m in session.scalars(select(TaxonomyMapping).order_by(TaxonomyMapping.id))
    ]

    def find(taxonomy: str, term: dict[str, str]) -> tuple[str, str | None] | None:
        names = {term.get(k, "").strip().lower() for k in ("id", "code", "name")} - {""}
        taxonomies = {taxonomy.lower(), term.get("taxonomy_id", "").lower()} - {""}
        for rule_taxonomy, rule_term, topic, subtopic in rules:
            if rule_term in names and (not rule_taxonomy or rule_taxonomy in taxonomies):
                return topic, subtopic
        for rule_taxonomy, rule_term, topic, subtopic in rules:
            if rule_term == "*" and (not rule_taxonomy or rule_taxonomy in taxonomies):
                return topic, subtopic
        return None

    return find


def read_mapping(path: Path) -> list[dict[str, str]]:
    header, found = read_csv_file(path)
    missing = [c for c in ("term", "topic") if c not in header]
    if missing:
        raise CatalogueError([f"{path}:1: {', '.join(missing)}: missing column"])
    problems: list[str] = []
    rows: list[dict[str, str]] = []
    for line, row in found:
        where = f"{path}:{line}"
        term = (row.get("term") or "").strip()
        if not term:
            problems.append(f"{where}: term: must not be empty")
            continue
        try:
            topic = check_topic(row.get("topic") or "")
            subtopic = check_subtopic(row.get("subtopic") or "", topic) or ""
        except Invalid as exc:
            problems.append(f"{where}: topic/subtopic: {exc}")
            continue
        taxonomy = (row.get("taxonomy") or "").strip()
        for column, value in (("taxonomy", taxonomy), ("term", term)):
            if len(value) > 200:
                problems.append(f"{where}: {column}: longer than 200 characters")
        rows.append({"taxonomy": taxonomy, "term": term, "topic": topic, "subtopic": subtopic})
    if problems:
        raise CatalogueError(problems)
    return rows


def store_mapping(session: Session, rows: list[dict[str, str]]) -> int:
    """Upsert by (taxonomy, term); returns how many rules were added or changed."""
    sync_terms(session)
    existing = {(m.taxonomy, m.term): m for m in session.scalars(select(TaxonomyMapping))}
    changed = 0
    for row in rows:
        rule = existing.get((row["taxonomy"], row["term"]))
        subtopic = row["subtopic"] or None
        if rule is None:
            rule = TaxonomyMapping(taxonomy=row["taxonomy"], term=row["term"], topic=row["topic"])
            rule.subtopic = subtopic
            session.add(rule)
            existing[(rule.taxonomy, rule.term)] = rule
            changed += 1
        elif (rule.topic, rule.subtopic) != (row["topic"], subtopic):
            rule.topic, rule.subtopic = row["topic"], subtopic
            changed += 1
    session.flush()
    return changed
