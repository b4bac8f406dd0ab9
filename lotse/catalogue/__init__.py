"""The offer catalogue: import, export, validation and freshness, for every adapter (CLI, admin).

Formats: the one-sheet matrix (CSV or XLSX, lotse/catalogue/matrix.py), the HSDS 3.0 tabular
package (folder or .zip, lotse/catalogue/hsds_package.py), the places file (areas and their
aliases) and the mapping of other taxonomies' terms to Lotse's topics (mapping.py). Imports are
all or nothing: the caller's transaction is rolled back on any error. `validate` is an import
whose transaction is always rolled back, so it runs every check the import runs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lotse.catalogue import contacts, hsds_export, hsds_package, matrix
from lotse.catalogue.files import first_line_cells
from lotse.catalogue.hsds import Area, Service
from lotse.catalogue.hsds_store import import_package
from lotse.catalogue.mapping import mapping_of, read_mapping, store_mapping
from lotse.catalogue.records import CatalogueError, ServiceRecord
from lotse.catalogue.store import ImportResult, read_places, store_places, store_records
from lotse.settings import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "data" / "catalogue"
DEMO_CATALOGUE = DEMO_DIR / "demo_catalogue.csv"
DEMO_PLACES = DEMO_DIR / "places.csv"
STALE_AFTER = timedelta(days=183)  # six months

T = TypeVar("T")
Progress = Callable[[Iterable[T]], Iterable[T]]


@dataclass(frozen=True)
class Parsed:
    kind: str  # "matrix", "hsds", "places", "mapping"
    records: list[ServiceRecord]
    places: list[dict[str, object]]
    package: hsds_package.HsdsImport | None = None
    mapping: list[dict[str, str]] | None = None


def detect(path: Path) -> str:
    if not path.exists():
        raise CatalogueError([f"{path}:1: (file): no such file or folder"])
    if path.is_dir() or path.suffix.lower() == ".zip":
        return "hsds"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "matrix"
    if path.suffix.lower() != ".csv":
        raise CatalogueError([f"{path}:1: (file): not a .csv, .xlsx, .zip or HSDS folder"])
    header = {h.strip() for h in first_line_cells(path)}
    if {"kind", "parent"} <= header:
        return "places"
    if {"term", "topic"} <= header and "name" not in header:
        return "mapping"
    return "matrix"


def parse(path: Path, session: Session | None = None) -> Parsed:
    """Read and check a file (with the session's taxonomy mapping, if any). Any bad file, however
    broken, raises CatalogueError (lotse/catalogue/files.py)."""
    kind = detect(path)
    try:
        if kind == "places":
            return Parsed(kind, [], read_places(path))
        if kind == "mapping":
            return Parsed(kind, [], [], mapping=read_mapping(path))
        if kind == "hsds":
            mapping = mapping_of(session) if session is not None else None
            package = hsds_package.parse_package(path, mapping)
            return Parsed(kind, package.records, package.places, package=package)
        return Parsed(kind, matrix.parse_matrix(path), [])
    except (csv.Error, UnicodeDecodeError) as exc:  # the readers report these; a last net
        raise CatalogueError([f"{path}:1: (file): not a readable CSV file ({exc})"]) from None


def import_path(
    session: Session, path: Path, progress: Progress[ServiceRecord] = lambda r: r
) -> ImportResult:
    """Import a file into the session's transaction; raises CatalogueError on any problem."""
    parsed = parse(path, session)
    if parsed.kind == "mapping":
        return ImportResult(created=store_mapping(session, parsed.mapping or []))
    if parsed.package is not None:
        return import_package(session, parsed.package, progress)
    if parsed.places:
        store_places(session, parsed.places)
    if parsed.kind == "places":
        return ImportResult(created=len(parsed.places))
    result = store_records(session, parsed.records, progress)
    if parsed.kind == "matrix":  # named contact persons: their own table (contacts.py)
        has_columns, people = contacts.read_contacts(path)
        if has_columns:
            contacts.store_contacts(session, people, [r.id for r in parsed.records])
    return result


def validate_path(session: Session, path: Path) -> tuple[Parsed, ImportResult]:
    """Everything `import_path` checks, places and the mapping included, and nothing written:
    the import runs in a savepoint that is always rolled back."""
    parsed = parse(path, session)
    savepoint = session.begin_nested()
    try:
        result = import_path(session, path)
    finally:
        savepoint.rollback()
    return parsed, result


def export_path(
    session: Session,
    target: Path,
    progress: Progress[Service] = lambda s: s,
    warnings: list[str] | None = None,
) -> int:
    """Write the catalogue: an HSDS package (folder or .zip) or a matrix (.csv or .xlsx);
    `warnings` receives the HSDS rows whose required fields are empty."""
    if target.suffix.lower() in (".csv", ".xlsx"):
        from lotse.catalogue.export import write_matrix

        return write_matrix(session, target, progress)
    return hsds_export.write_package(session, target, progress, warnings)


def stale_services(session: Session, today: date, after: timedelta = STALE_AFTER) -> list[Service]:
    """Published offers not checked since `after` (or never), oldest first."""
    limit = today - after
    return list(
        session.scalars(
            select(Service)
            .where(
                Service.status == "active",
                or_(Service.assured_date.is_(None), Service.assured_date < limit),
            )
            .order_by(Service.assured_date.is_not(None), Service.assured_date, Service.id)
        )
    )


def is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Service)) == 0


def load_demo_if_empty(session: Session) -> ImportResult | None:
    """`make run` fills an empty catalogue with the demo, and leaves real data alone."""
    if session.scalar(select(func.count()).select_from(Area)) == 0:
        store_places(session, read_places(DEMO_PLACES))
    if not is_empty(session):
        return None
    return store_records(session, matrix.parse_matrix(DEMO_CATALOGUE))


__all__ = [
    "DEMO_CATALOGUE",
    "DEMO_PLACES",
    "CatalogueError",
    "ImportResult",
    "export_path",
    "import_path",
    "is_empty",
    "load_demo_if_empty",
    "parse",
    "stale_services",
    "validate_path",
]
