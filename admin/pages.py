"""Admin pages beyond tables: freshness, import and export, insights."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqladmin import BaseView, expose
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from admin.charts import bar_chart
from lotse import catalogue, insights
from lotse.catalogue import CatalogueError
from lotse.catalogue.hsds import Service
from lotse.db import in_session
from lotse.models import TOPICS, utcnow
from lotse.partners import links

MAX_UPLOAD = 20 * 1024 * 1024
LABELS = (
    *[f"ask_{t}" for t in TOPICS],
    "request_callback",
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "emergency",
    "delete_my_data",
    "out_of_scope",
    "inform",
)


class FreshnessView(BaseView):
    name = "Aktualität"
    icon = "fa-solid fa-calendar-check"

    @expose("/freshness", methods=["GET", "POST"], identity="freshness")
    async def page(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.act(request)

        def load(session: Session) -> list[dict[str, object]]:
            return [
                {"id": s.id, "name": s.name, "assured": s.assured_date}
                for s in catalogue.stale_services(session, date.today())
            ]

        rows = await in_session(load)
        confirmed = await in_session(confirmations)
        return await self.templates.TemplateResponse(
            request,
            "freshness.html",
            {"rows": rows, "title": "Aktualität", "confirmed": confirmed},
        )

    async def act(self, request: Request) -> Response:
        form = await request.form()
        service_id = str(form.get("service") or "")
        action = str(form.get("action") or "")

        def apply(session: Session) -> None:
            service = session.get(Service, service_id)
            if service is None:
                return
            if action == "valid":
                service.assured_date = date.today()
            elif action == "unpublish":
                service.status = "inactive"
            service.updated_at = utcnow()

        await in_session(apply)
        return RedirectResponse(str(request.url_for("admin:view-freshness")), status_code=303)


def confirmations(session: Session) -> list[dict[str, object]]:
    """Who confirmed their offers through a partner link, and when (lotse/partners/links.py)."""
    return [
        {"organization": link.organization.name, "by": link.confirmed_by, "at": link.confirmed_at}
        for link in links.confirmations(session)
    ]


class ImportExportView(BaseView):
    name = "Import / Export"
    icon = "fa-solid fa-file-import"

    @expose("/catalogue", methods=["GET", "POST"], identity="catalogue")
    async def page(self, request: Request) -> Response:
        if "download" in request.query_params:
            return await self.download(request, request.query_params["download"])
        context: dict[str, Any] = {"title": "Import / Export", "problems": [], "result": None}
        if request.method == "POST":
            form = await request.form()
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                context["problems"] = ["Bitte wählen Sie eine Datei aus."]
            else:
                filename = upload.filename
                data = await upload.read(MAX_UPLOAD + 1)
                suffix = Path(filename).suffix.lower() or ".csv"
                if len(data) > MAX_UPLOAD:
                    context["problems"] = ["Die Datei ist größer als 20 MB."]
                else:
                    with tempfile.TemporaryDirectory() as tmp:
                        path = Path(tmp) / f"upload{suffix}"
                        path.write_bytes(data)
                        try:
                            result = await in_session(lambda s: catalogue.import_path(s, path))
                            context["result"] = result
                        except CatalogueError as exc:
                            context["problems"] = [
                                p.replace(str(path), filename) for p in exc.problems
                            ]
        return await self.templates.TemplateResponse(request, "catalogue.html", context)

    async def download(self, request: Request, kind: str) -> Response:
        names = {
            "xlsx": "lotse-angebote.xlsx",
            "csv": "lotse-angebote.csv",
            "zip": "lotse-hsds.zip",
        }
        if kind not in names:
            return PlainTextResponse("unbekanntes Format", status_code=404)

        def export(session: Session) -> bytes:
            """Written in a folder that is gone before the answer is sent (the file is in memory,
            as the export's rows already were), so no download leaves a folder behind."""
            with tempfile.TemporaryDirectory(prefix="lotse-export-") as tmp:
                target = Path(tmp) / names[kind]
                catalogue.export_path(session, target)
                return target.read_bytes()

        data = await in_session(export)
        media = {
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "csv": "text/csv; charset=utf-8",
            "zip": "application/zip",
        }
        return Response(
            data,
            media_type=media[kind],
            headers={"Content-Disposition": f'attachment; filename="{names[kind]}"'},
        )


class InsightsView(BaseView):
    name = "Einblicke"
    icon = "fa-solid fa-chart-column"

    @expose("/insights", methods=["GET", "POST"], identity="insights")
    async def page(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.label(request)
        if "export" in request.query_params:
            return await self.export(request)
        since = date.today() - timedelta(days=90)

        def load(session: Session) -> dict[str, Any]:
            return {
                "charts": [
                    bar_chart("Fragen pro Woche", insights.questions_per_week(session, since)),
                    bar_chart("Fragen nach Thema", insights.questions_by(session, "topic", since)),
                    bar_chart(
                        "Fragen nach Sprache", insights.questions_by(session, "language", since)
                    ),
                    bar_chart(
                        "Fragen nach Region", insights.questions_by(session, "region", since)
                    ),
                ],
                "callbacks": insights.callback_figures(
                    session, datetime.combine(since, datetime.min.time())
                ),
                "queue": [
                    {
                        "id": q.id,
                        "day": q.day,
                        "language": q.language,
                        "text": q.text,
                        "intent": q.intent,
                        "label": q.label,
                    }
                    for q in insights.review_queue(session)
                ],
            }

        context = await in_session(load)
        callbacks = context["callbacks"]
        context["callback_charts"] = [
            bar_chart(
                "Rückrufe: Minuten bis zur Übernahme (Median je Woche)",
                {
                    k: (int(v) if v is not None else None)
                    for k, v in callbacks["median_minutes_to_take"].items()
                },
            ),
            bar_chart("Rückrufe nach Ergebnis", callbacks["outcomes"]),
        ]
        context.update(title="Einblicke", labels=LABELS)
        return await self.templates.TemplateResponse(request, "insights.html", context)

    async def label(self, request: Request) -> Response:
        form = await request.form()
        question, intent = str(form.get("question") or ""), str(form.get("intent") or "")
        if question.isdigit() and intent in LABELS:
            await in_session(lambda s: insights.label(s, int(question), intent))
        return RedirectResponse(str(request.url_for("admin:view-insights")), status_code=303)

    async def export(self, request: Request) -> Response:
        text = await in_session(insights.training_examples)
        return PlainTextResponse(
            text, headers={"Content-Disposition": 'attachment; filename="lotse-review.yml"'}
        )
