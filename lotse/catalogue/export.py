"""Export the catalogue as the one-sheet matrix (CSV or XLSX), the format a workshop edits."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.catalogue.formulas import neutralise
from lotse.catalogue.hsds import Service, service_children
from lotse.catalogue.matrix import MATRIX_COLUMNS, TRANSLATED
from lotse.catalogue.schedule import format_hours, rule_from_schedule


def matrix_rows(session: Session) -> list[dict[str, str]]:
    services = session.scalars(
        select(Service)
        .where(Service.status == "active")  # unpublished offers stay out of the workshop sheet
        .order_by(Service.id)
        .options(selectinload(Service.organization), *service_children())
    ).all()
    rows = []
    for s in services:
        location = s.locations[0].location if s.locations else None
        row = {
            "id": s.id,
            "organization": s.organization.name,
            "name": s.name,
            "topic": s.topic,
            "subtopic": s.subtopic or "",
            "description": s.description,
            "service_area": "|".join(a.area.name for a in s.areas),
            "address": location.address_1 if location else "",
            "postal_code": location.postal_code if location else "",
            "city": location.city if location else "",
            "latitude": _number(location.latitude if location else None),
            "longitude": _number(location.longitude if location else None),
            "phone": "|".join(p.number for p in s.phones),
            "email": s.email,
            "website": s.url,
            "hours": format_hours(
                [rule_from_schedule(r.byday, r.opens_at, r.closes_at) for r in s.schedules]
            ),
            "languages": ",".join(s.language_codes),
            "residence_status": ",".join(sorted(s.statuses)),
            "min_age": _number(s.minimum_age),
            "max_age": _number(s.maximum_age),
            "target_groups": ",".join(s.target_groups or []),
            "features": ",".join(s.features or []),
            "assured_date": s.assured_date.isoformat() if s.assured_date else "",
            "source": s.source,
        }
        translations = {t.language: t for t in s.translations}
        for lang in TRANSLATED:
            t = translations.get(lang)
            row[f"name_{lang}"] = t.name if t else ""
            row[f"description_{lang}"] = t.description if t else ""
        rows.append(row)
    return rows


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def write_matrix(
    session: Session,
    target: Path,
    progress: Callable[[Iterable[Service]], Iterable[Service]] = lambda s: s,
) -> int:
    """Every cell a spreadsheet would take for a formula gets a leading `'` (formulas.py); in the
    XLSX every cell is also written as text, so none can be a formula."""
    rows = [{k: neutralise(v) for k, v in row.items()} for row in matrix_rows(session)]
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Angebote")
        sheet.append(MATRIX_COLUMNS)
        for row in rows:
            cells = []
            for column in MATRIX_COLUMNS:
                # control characters (refused by today's import) cannot be stored in XLSX
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", row[column]))
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
        book.save(target)
    else:
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=MATRIX_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return len(rows)
