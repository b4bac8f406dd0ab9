"""Loading offers into the catalogue (the demo catalogue, or a region's own CSV file)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lotse.models import TOPICS, Offer, PlaceAlias, utcnow
from lotse.settings import PROJECT_ROOT

DEMO_CATALOGUE = PROJECT_ROOT / "data" / "catalogue" / "demo_offers.csv"
DEMO_PLACES = PROJECT_ROOT / "data" / "catalogue" / "places.csv"
COLUMNS = (
    "external_id",
    "topic",
    "municipality",
    "name",
    "address",
    "phone",
    "opening_hours",
    "languages",
)


class CatalogueError(ValueError):
    """A row that cannot be imported; the message reads `file:line: column: reason`."""


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def _parse_row(path: Path, line: int, row: dict[str, str]) -> dict[str, object]:
    def fail(column: str, reason: str) -> CatalogueError:
        return CatalogueError(f"{path}:{line}: {column}: {reason}")

    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for required in ("external_id", "topic", "municipality", "name"):
        if not values[required]:
            raise fail(required, "must not be empty")
    if values["topic"] not in TOPICS:
        raise fail("topic", f"unknown topic {values['topic']!r} (one of {', '.join(TOPICS)})")
    languages = [code.strip() for code in values["languages"].split(",") if code.strip()]
    unknown = [code for code in languages if len(code) != 2 or not code.isalpha()]
    if unknown:
        raise fail("languages", f"not ISO 639-1 codes: {', '.join(unknown)}")
    return {**values, "languages": languages}


def read_csv(path: Path) -> list[dict[str, object]]:
    """Parse and check every row before anything is written (all or nothing)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogueError(f"{path}:1: {', '.join(missing)}: missing column")
        rows = [_parse_row(path, reader.line_num, row) for row in reader]
    seen: set[object] = set()
    for index, row in enumerate(rows, start=2):
        if row["external_id"] in seen:
            raise CatalogueError(f"{path}:{index}: external_id: duplicate {row['external_id']!r}")
        seen.add(row["external_id"])
    return rows


def load_csv(session: Session, path: Path) -> LoadResult:
    """Upsert offers by `external_id`; loading the same file twice changes nothing."""
    rows = read_csv(path)
    existing = {o.external_id: o for o in session.scalars(select(Offer))}
    created = updated = 0
    for row in rows:
        offer = existing.get(str(row["external_id"]))
        if offer is None:
            session.add(Offer(**row, updated_at=utcnow()))
            created += 1
            continue
        changed = False
        for key, value in row.items():
            if getattr(offer, key) != value:
                setattr(offer, key, value)
                changed = True
        if changed:
            offer.updated_at = utcnow()
            updated += 1
    session.flush()
    return LoadResult(created=created, updated=updated)


def load_place_aliases(session: Session, path: Path) -> int:
    """Upsert `place,aliases` rows (aliases separated by `|`); returns how many were added."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    wanted: set[tuple[str, str]] = set()
    for line, row in enumerate(rows, start=2):
        place = (row.get("place") or "").strip()
        if not place:
            raise CatalogueError(f"{path}:{line}: place: must not be empty")
        for alias in (row.get("aliases") or "").split("|"):
            if alias.strip():
                wanted.add((place, alias.strip()))
    existing = {(a.place, a.alias) for a in session.scalars(select(PlaceAlias))}
    added = sorted(wanted - existing)
    session.add_all(PlaceAlias(place=place, alias=alias) for place, alias in added)
    session.flush()
    return len(added)


def is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Offer)) == 0


def load_demo_if_empty(session: Session) -> LoadResult | None:
    """`make run` fills an empty database with the demo catalogue, and leaves real data alone."""
    if not is_empty(session):
        return None
    result = load_csv(session, DEMO_CATALOGUE)
    load_place_aliases(session, DEMO_PLACES)
    return result
