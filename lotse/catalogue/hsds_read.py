"""The files of an HSDS 3.0 package (a folder or .zip), read safely into rows with `file:line`.

Files are found by the specification's names (`services.csv`), Lotse's extensions
(`lotse_areas.csv`, `lotse_service_translations.csv`) and the names Lotse wrote before
(`service.csv`). Every file passes through lotse/catalogue/files.py (size caps, zip bombs,
encodings, formula quotes). Columns are read by name: any order, optional ones may be missing,
unknown ones are kept.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lotse.catalogue.files import decode, read_csv, read_file, read_zip_csvs
from lotse.catalogue.hsds_spec import EXTENSIONS, LEGACY_FILES, tables
from lotse.catalogue.records import CatalogueError

REQUIRED_FILES = ("organization", "service")


@dataclass
class PackageRow:
    table: str
    origin: str
    """`file:line`, for messages."""
    data: dict[str, str]
    position: int
    """Its place in the package (file order, then line), so kept rows are written back in order."""


@dataclass
class PackageFiles:
    path: Path
    rows: dict[str, list[PackageRow]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    """Table → the file name it was read from."""
    ignored: list[str] = field(default_factory=list)

    def of(self, table: str) -> list[PackageRow]:
        return self.rows.get(table, [])

    def all_rows(self) -> list[PackageRow]:
        return [row for rows in self.rows.values() for row in rows]


def table_of(filename: str) -> str | None:
    by_path = {t.path: name for name, t in tables().items()}
    by_path.update({path: name for name, (path, _) in EXTENSIONS.items()})
    return by_path.get(filename) or LEGACY_FILES.get(filename)


def _sources(path: Path) -> dict[str, tuple[str, bytes]]:
    """File name → (origin, bytes) of the package's CSV files."""
    if path.is_dir():
        return {p.name: (str(p), read_file(p)) for p in sorted(path.glob("*.csv")) if p.is_file()}
    if zipfile.is_zipfile(path):
        return {Path(origin).name: (origin, data) for origin, data in read_zip_csvs(path).values()}
    raise CatalogueError([f"{path}:1: (file): not an HSDS folder or .zip package"])


def read_package_files(path: Path) -> PackageFiles:
    package = PackageFiles(path)
    position = 0
    for filename, (origin, data) in sorted(_sources(path).items()):
        table = table_of(filename)
        if table is None:
            package.ignored.append(f"{origin}: not a file of HSDS 3.0 or Lotse; not read")
            continue
        if table in package.files:
            raise CatalogueError(
                [f"{origin}:1: (file): a second file for {table} ({package.files[table]})"]
            )
        header, found = read_csv(origin, decode(data, origin))
        if "id" not in header and table in tables():
            raise CatalogueError([f"{origin}:1: id: missing column"])
        package.files[table] = filename
        rows = []
        for line, row in found:
            position += 1
            rows.append(
                PackageRow(table, f"{origin}:{line}", {k: v for k, v in row.items() if k}, position)
            )
        package.rows[table] = rows
    missing = [t for t in REQUIRED_FILES if t not in package.files]
    if missing:
        raise CatalogueError(
            [f"{path}/{tables()[t].path}:1: (file): missing from the package" for t in missing]
        )
    return package


def has_places(path: Path) -> bool:
    if path.is_dir():
        return any((path / name).exists() for name in ("lotse_areas.csv", "area.csv"))
    return False
