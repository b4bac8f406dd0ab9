"""The places file (areas, their nesting, holiday calendars and other spellings): read, checked
and stored. Also a package's `lotse_areas.csv`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.catalogue.files import read_csv_file
from lotse.catalogue.hsds import AREA_KINDS, Area, AreaAlias
from lotse.catalogue.records import CatalogueError, Invalid, check_coordinate

_AREA_NAME: int = Area.__table__.c.name.type.length  # type: ignore[attr-defined]
_HOLIDAYS: int = Area.__table__.c.holidays.type.length  # type: ignore[attr-defined]
_ALIAS: int = AreaAlias.__table__.c.alias.type.length  # type: ignore[attr-defined]
PLACE_COLUMNS = ("name", "kind", "parent", "latitude", "longitude", "holidays", "aliases")


def read_places(path: Path) -> list[dict[str, Any]]:
    """Rows of a places file, checked (parents must exist in the file or be named before)."""
    header, found = read_csv_file(path, delimiter=",")
    return check_places(str(path), header, found)


def check_places(
    path: str, header: list[str], found: list[tuple[int, dict[str, str]]]
) -> list[dict[str, Any]]:
    """The rows of a places file (or a package's `lotse_areas.csv`), checked."""
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    missing = [c for c in ("name", "kind", "parent") if c not in header]
    if missing:
        raise CatalogueError([f"{path}:1: {', '.join(missing)}: missing column"])
    for line, row in found:
        name, kind = (row.get("name") or "").strip(), (row.get("kind") or "").strip()
        if not name:
            problems.append(f"{path}:{line}: name: must not be empty")
            continue
        if kind not in AREA_KINDS:
            problems.append(f"{path}:{line}: kind: {kind!r} is not one of {', '.join(AREA_KINDS)}")
        for column, value, limit in (
            ("name", name, _AREA_NAME),
            ("holidays", (row.get("holidays") or "").strip(), _HOLIDAYS),
            *(("aliases", a.strip(), _ALIAS) for a in (row.get("aliases") or "").split("|")),
        ):
            if len(value) > limit:  # PostgreSQL would refuse the import with an error
                problems.append(f"{path}:{line}: {column}: longer than {limit} characters")
        coordinates = []
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                coordinates.append(check_coordinate(row.get(column) or "", low, high))
            except Invalid as exc:
                problems.append(f"{path}:{line}: {column}: {exc}")
        rows.append(
            {
                "line": line,
                "name": name,
                "kind": kind,
                "parent": (row.get("parent") or "").strip(),
                "latitude": coordinates[0] if len(coordinates) == 2 else None,
                "longitude": coordinates[1] if len(coordinates) == 2 else None,
                "holidays": (row.get("holidays") or "").strip(),
                "aliases": sorted(
                    {a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()}
                ),
            }
        )
    names = [r["name"] for r in rows]
    for row in rows:
        if names.count(row["name"]) > 1 and names.index(row["name"]) != rows.index(row):
            problems.append(f"{path}:{row['line']}: name: {row['name']!r} appears twice")
        if row["parent"] and row["parent"] not in names:
            problems.append(
                f"{path}:{row['line']}: parent: {row['parent']!r} is not a place in this file"
            )
    if problems:
        raise CatalogueError(problems)
    return rows


def store_places(session: Session, rows: list[dict[str, Any]]) -> int:
    """Upsert areas and their aliases; returns how many areas were created or changed."""
    existing = {
        a.name: a for a in session.scalars(select(Area).options(selectinload(Area.aliases)))
    }
    changed = 0
    for row in rows:
        area = existing.get(row["name"])
        if area is None:
            area = Area(name=row["name"], kind=row["kind"])
            session.add(area)
            existing[row["name"]] = area
            changed += 1
        fields = {k: row[k] for k in ("kind", "latitude", "longitude", "holidays")}
        if any(getattr(area, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(area, k, v)
            changed += 1
    session.flush()
    for row in rows:
        area = existing[row["name"]]
        parent_id = existing[row["parent"]].id if row["parent"] else None
        if area.parent_id != parent_id:
            area.parent_id = parent_id
        have = {a.alias for a in area.aliases}
        for alias in row["aliases"]:
            if alias not in have and alias != area.name:
                area.aliases.append(AreaAlias(alias=alias))
    session.flush()
    return changed
