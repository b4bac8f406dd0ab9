"""sqladmin's CSV and JSON export of a table view, with every cell neutralised against formula
injection (lotse/catalogue/formulas.py): an offer named `=HYPERLINK(...)` by a partner's sheet
must not become a live formula in the workbook an administrator opens."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from sqladmin import ModelView
from sqladmin.helpers import default_encoder, secure_filename
from starlette.requests import Request
from starlette.responses import StreamingResponse

from lotse.catalogue.formulas import neutralise


class NeutralisedExportView(ModelView):
    """A ModelView whose export (CSV, JSON; sqladmin's own and its "pretty" one alike) writes
    each text cell as the catalogue export does: a leading `'` before `= + - @`, tab or CR."""

    async def export_data(
        self,
        data: list[Any],
        export_type: str = "csv",
        request: Request | None = None,
    ) -> StreamingResponse:
        if export_type not in ("csv", "json"):
            raise NotImplementedError("Only export_type='csv' or 'json' is implemented.")
        names = self.get_export_columns()
        filename = secure_filename(self.get_export_name(export_type=export_type))
        headers = {"Content-Disposition": f"attachment;filename={filename}"}
        if export_type == "csv":
            return StreamingResponse(
                self._neutralised_csv(data, names),
                media_type="text/csv; charset=utf-8",
                headers=headers,
            )
        return StreamingResponse(
            self._neutralised_json(data, names), media_type="application/json", headers=headers
        )

    async def _values(self, row: Any, names: list[str]) -> list[Any]:
        return [await self.get_prop_value(row, name) for name in names]

    async def _neutralised_csv(self, data: list[Any], names: list[str]) -> AsyncIterator[str]:
        yield _csv_line([neutralise(name) for name in names])
        for row in data:
            values = await self._values(row, names)
            yield _csv_line([neutralise(_text(value)) for value in values])

    async def _neutralised_json(self, data: list[Any], names: list[str]) -> AsyncIterator[str]:
        yield "["
        for n, row in enumerate(data):
            values = await self._values(row, names)
            item = {name: _json_value(value) for name, value in zip(names, values, strict=True)}
            text = json.dumps(item, ensure_ascii=False)
            yield ("," if n else "") + text
        yield "]"


def _json_value(value: Any) -> Any:
    """Numbers, booleans and null stay; text is neutralised, inside lists and objects too (the
    audit log's changes); anything else (a date, a related row) becomes its text first."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    encoded = default_encoder(value)  # a date's ISO text, a Decimal's float, or the value
    if isinstance(encoded, (bool, int, float)):
        return encoded
    return neutralise(encoded if isinstance(encoded, str) else str(value))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
