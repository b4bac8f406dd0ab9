"""The funder's report in the admin (administrators): counts only, never a case — cases opened
and closed per quarter, plans with reviews, steps by activity area and status; counts below
five shown as "<5" (lotse/cases/report.py). Shown as a table and downloaded as CSV."""

from __future__ import annotations

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import Response

from lotse.cases import report
from lotse.cases.cases import client_text
from lotse.cases.models import AREAS, STEP_STATUSES
from lotse.db import in_session

AREA_NAMES = {a: client_text("de", f"area_{a}") for a in AREAS}
STATUS_NAMES = {s: client_text("de", f"status_name_{s}") for s in STEP_STATUSES}


def shown_rows(rows: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    """The report's rows with German names for the page."""
    out = []
    for measure, group, detail, count in rows:
        out.append(
            {
                "measure": report.MEASURES.get(measure, measure),
                "group": "insgesamt" if group == "all" else AREA_NAMES.get(group, group),
                "detail": STATUS_NAMES.get(detail, detail),
                "count": count,
            }
        )
    return out


class FunderReportView(BaseView):
    name = "Förderbericht"
    icon = "fa-solid fa-file-csv"

    @expose("/funder-report", methods=["GET"], identity="funder-report")
    async def page(self, request: Request) -> Response:
        if request.query_params.get("export") == "csv":
            body = await in_session(report.csv_text)
            return Response(
                body.encode("utf-8"),
                media_type="text/csv; charset=utf-8",
                headers={
                    "Content-Disposition": 'attachment; filename="lotse-foerderbericht.csv"',
                    "Cache-Control": "no-store",
                },
            )
        rows = await in_session(report.rows)
        context = {"title": "Förderbericht", "rows": shown_rows(rows)}
        return await self.templates.TemplateResponse(request, "funder_report.html", context)
