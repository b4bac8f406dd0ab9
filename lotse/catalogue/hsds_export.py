"""Write the catalogue as an HSDS 3.0 tabular package: a folder or .zip with the specification's
files and columns (every file, empty ones with their header), Lotse's extension files and a
`datapackage.json` describing all of them.

The rows come from hsds_rows.py (Lotse's tables merged with what packages said). Cells that a
spreadsheet would take for a formula are neutralised (lotse/catalogue/formulas.py); the import
undoes exactly that. The zip is written with fixed timestamps, so the same catalogue gives the
same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lotse.catalogue.formulas import neutralise
from lotse.catalogue.hsds import Service
from lotse.catalogue.hsds_rows import Rows, catalogue_rows
from lotse.catalogue.hsds_spec import EXTENSIONS, HSDS_VERSION, tables

_EXTENSION_DESCRIPTIONS = {
    "service_translation": "Lotse extension: a service's name and description in another "
    "language (ISO 639-1); `service_id` is the service's id.",
    "area": "Lotse extension: the places services are for (state, district, municipality, "
    "borough), their nesting (`parent`), public-holiday calendar (`holidays`, e.g. DE-BW) and "
    "other spellings (`aliases`, separated by |). `service_areas.csv` names these places.",
}


def columns_of(table: str, rows: list[dict[str, str]]) -> list[str]:
    """The specification's columns in its order, then any a package brought along."""
    base = list(tables()[table].columns) if table in tables() else list(EXTENSIONS[table][1])
    extra = [c for row in rows for c in row if c not in base]
    return base + list(dict.fromkeys(extra))


def _field(table: str, column: str) -> dict[str, Any]:
    spec = tables().get(table)
    kind = spec.types.get(column, "string") if spec else "string"
    field: dict[str, Any] = {"name": column, "type": kind.split("/")[0]}
    if "/" in kind:
        field["format"] = kind.split("/")[1]
    if spec and column in spec.required:
        field["constraints"] = {"required": True}
    return field


def datapackage(columns: dict[str, list[str]]) -> dict[str, Any]:
    resources = []
    for table, names in columns.items():
        spec = tables().get(table)
        resource: dict[str, Any] = {
            "name": table if spec else f"lotse_{table}",
            "path": spec.path if spec else EXTENSIONS[table][0],
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": [_field(table, c) for c in names]},
        }
        if spec:
            resource["schema"]["primaryKey"] = "id"
        else:
            resource["description"] = _EXTENSION_DESCRIPTIONS[table]
        resources.append(resource)
    return {
        "name": "lotse_catalogue",
        "title": "Lotse catalogue (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "homepage": "https://docs.openreferral.org/en/latest/hsds/",
        "description": (
            "Open Referral HSDS 3.0 tabular package written by Lotse. Lotse's extensions: the "
            "files lotse_service_translations.csv and lotse_areas.csv; eligibility by residence "
            "status, target groups, Lotse's topics, Lotse's ids and the data's source as "
            "attributes of the taxonomies lotse_residence_status, lotse_target_group, lotse, "
            "lotse_identifier and lotse_source (taxonomies.csv). Times are Europe/Berlin."
        ),
        "resources": resources,
    }


def missing_required(rows: Rows) -> list[str]:
    """`file: row id: column: required but empty` for every such cell (the export is written
    anyway; the rows are named so that someone fills them in)."""
    problems = []
    for table, spec in tables().items():
        for row in rows.get(table, []):
            for column in spec.required:
                if not row.get(column, ""):
                    problems.append(f"{spec.path}: {row.get('id')}: {column}: required but empty")
    return problems


def write_package(
    session: Session,
    target: Path,
    progress: Callable[[Iterable[Service]], Iterable[Service]] = lambda s: s,
    warnings: list[str] | None = None,
) -> int:
    """Write the catalogue as an HSDS package folder (or .zip); returns the service count."""
    rows = catalogue_rows(session, progress)
    if warnings is not None:
        warnings += missing_required(rows)
    texts: dict[str, str] = {}
    columns: dict[str, list[str]] = {}
    for table in [*tables(), *EXTENSIONS]:
        found = rows.get(table, [])
        columns[table] = columns_of(table, found)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns[table], lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in found)
        path = tables()[table].path if table in tables() else EXTENSIONS[table][0]
        texts[path] = buffer.getvalue()
    texts["datapackage.json"] = json.dumps(datapackage(columns), indent=2, ensure_ascii=False)
    if target.suffix.lower() == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for filename, text in texts.items():
                info = zipfile.ZipInfo(filename, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text)
    else:
        target.mkdir(parents=True, exist_ok=True)
        for filename, text in texts.items():
            (target / filename).write_text(text, encoding="utf-8")
    return len(rows.get("service", []))
