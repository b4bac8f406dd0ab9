"""The one-sheet matrix a regional workshop fills in (CSV or XLSX): one row per offer.

Columns are listed in MATRIX_COLUMNS; `name_<lang>` and `description_<lang>` hold translations.
Lists are comma-separated (languages, residence_status, target_groups), several service areas or
phone numbers are separated by `|`. Excel's semicolon-separated CSV is read as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lotse import LANGUAGES
from lotse.catalogue.features import FEATURES
from lotse.catalogue.files import open_zip, read_csv_file
from lotse.catalogue.formulas import restore
from lotse.catalogue.records import (
    RESIDENCE_STATUSES,
    TARGET_GROUPS,
    CatalogueError,
    Invalid,
    LocationRecord,
    ServiceRecord,
    check_age,
    check_choices,
    check_coordinate,
    check_date,
    check_email,
    check_hours,
    check_id,
    check_languages,
    check_phone,
    check_record,
    check_subtopic,
    check_topic,
    check_url,
    slug,
    split_list,
    too_long,
)

TRANSLATED = [lang for lang in LANGUAGES if lang != "de"]
MATRIX_COLUMNS: list[str] = [
    "id",
    "organization",
    "name",
    "topic",
    "subtopic",
    "description",
    "service_area",
    "address",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "hours",
    "languages",
    "residence_status",
    "min_age",
    "max_age",
    "target_groups",
    "features",
    "assured_date",
    "source",
    *[f"{kind}_{lang}" for lang in TRANSLATED for kind in ("name", "description")],
]
REQUIRED = ("id", "organization", "name", "topic", "service_area")
_COLUMN_OF = {"url": "website", "location_id": "address", "location_name": "organization"}
"""The matrix column a record field comes from, where the names differ."""


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) from a CSV or XLSX file; the header is line 1."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path)
        return
    header, rows = read_csv_file(path)
    _check_header(path, header)
    yield from rows


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of the first sheet; the archive is checked for a zip bomb before openpyxl opens it,
    and whatever openpyxl raises on a broken workbook becomes a report line."""
    from openpyxl import load_workbook

    open_zip(path, str(path), "XLSX workbook").close()
    line = 1
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
            _check_header(path, header)
            found = []
            for line, values in enumerate(rows, start=2):
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                found.append(
                    (line, {n: _cell(v) for n, v in zip(header, values, strict=False) if n})
                )
        finally:
            book.close()
    except CatalogueError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken or mislabelled file
        raise CatalogueError(
            [f"{path}:{line}: (file): not a readable XLSX workbook ({exc})"]
        ) from None
    yield from found


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value))


def _check_header(path: Path, header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CatalogueError([f"{path}:1: {', '.join(missing)}: missing column"])


def parse_matrix(path: Path) -> list[ServiceRecord]:
    """Every row checked; all problems reported together, nothing returned if any."""
    records: list[ServiceRecord] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in read_rows(path):
        record = _parse_row(path, line, row, problems)
        if record is None:
            continue
        if record.id in seen:
            problems.append(
                f"{path}:{line}: id: {record.id!r} is already used on line {seen[record.id]}"
            )
            continue
        seen[record.id] = line
        records.append(record)
    if problems:
        raise CatalogueError(problems)
    return records


def _parse_row(
    path: Path, line: int, row: dict[str, str], problems: list[str]
) -> ServiceRecord | None:
    before = len(problems)

    def value(column: str, check: Callable[[str], Any], default: Any = None) -> Any:
        try:
            return check(row.get(column) or "")
        except Invalid as exc:
            problems.append(f"{path}:{line}: {column}: {exc}")
            return default

    def required(column: str) -> str:
        text = (row.get(column) or "").strip()
        if not text:
            problems.append(f"{path}:{line}: {column}: must not be empty")
        return text

    for column in REQUIRED:
        required(column)
    if len(problems) > before:
        return None
    topic = value("topic", check_topic)
    record = ServiceRecord(
        id=value("id", check_id, ""),
        organization_id=slug(row["organization"]),
        organization=row["organization"].strip(),
        name=row["name"].strip(),
        topic=topic or "",
        description=(row.get("description") or "").strip(),
        subtopic=value("subtopic", lambda v: check_subtopic(v, topic)) if topic else None,
        url=value("website", check_url, ""),
        email=value("email", check_email, ""),
        minimum_age=value("min_age", check_age),
        maximum_age=value("max_age", check_age),
        target_groups=value(
            "target_groups", lambda v: check_choices(v, TARGET_GROUPS, "target group"), []
        ),
        features=value("features", lambda v: check_choices(v, FEATURES, "feature"), []),
        assured_date=value("assured_date", check_date),
        source=(row.get("source") or "").strip(),
        statuses=value(
            "residence_status",
            lambda v: check_choices(v, RESIDENCE_STATUSES, "residence status"),
            [],
        ),
        languages=value("languages", check_languages, []),
        phones=value("phone", check_phone, []),
        hours=value("hours", check_hours, []),
        areas=split_list(row["service_area"], "|"),
        origin=f"{path}:{line}",
    )
    record.translations = {
        lang: (
            (row.get(f"name_{lang}") or "").strip(),
            (row.get(f"description_{lang}") or "").strip(),
        )
        for lang in TRANSLATED
        if (row.get(f"name_{lang}") or "").strip() or (row.get(f"description_{lang}") or "").strip()
    }
    address = (row.get("address") or "").strip()
    if address or (row.get("city") or "").strip():
        record.location = LocationRecord(
            id=slug(f"{record.organization} {address} {row.get('postal_code') or ''}"),
            name=record.organization,
            address_1=address,
            postal_code=(row.get("postal_code") or "").strip(),
            city=(row.get("city") or "").strip(),
            latitude=value("latitude", lambda v: check_coordinate(v, -90, 90)),
            longitude=value("longitude", lambda v: check_coordinate(v, -180, 180)),
        )
    try:
        check_record(record)
    except Invalid as exc:
        problems.append(f"{path}:{line}: max_age: {exc}")
    for field, reason in too_long(record):
        problems.append(f"{path}:{line}: {_COLUMN_OF.get(field, field)}: {reason}")
    return record if len(problems) == before else None
