"""The gap radar page (lotse/partners/gaps.py) and its one-page PDF for the planning talk."""

from __future__ import annotations

import io
from typing import Any

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from admin.schaubild import _download_name
from lotse.db import in_session
from lotse.insights import MIN_COUNT, quarter_of
from lotse.models import utcnow
from lotse.partners import gaps

A4 = (595.28, 841.89)
MAX_ROWS = 10  # per table: four tables on one page


class GapRadarView(BaseView):
    name = "Lückenradar"
    icon = "fa-solid fa-magnifying-glass-chart"

    @expose("/gaps", methods=["GET"], identity="gaps")
    async def page(self, request: Request) -> Response:
        params = request.query_params

        def load(session: Any) -> tuple[list[str], list[str], gaps.Radar | None]:
            regions, quarters = gaps.regions(session), gaps.quarters(session)
            region = params.get("region") or (regions[0] if regions else "")
            quarter = params.get("quarter") or (quarters[0] if quarters else "")
            if region not in regions or quarter not in quarters:
                return regions, quarters, None
            return regions, quarters, gaps.radar(session, region, quarter)

        regions, quarters, radar = await in_session(load)
        if radar is None and (params.get("region") or params.get("quarter")):
            return PlainTextResponse("unbekannte Region oder unbekanntes Quartal", status_code=404)
        if params.get("format") == "pdf" and radar is not None:
            return Response(
                to_pdf(radar),
                media_type="application/pdf",
                headers={
                    "Content-Disposition": _download_name(
                        f"{radar.region} {radar.quarter}", "pdf"
                    ).replace("schaubild-", "lueckenradar-")
                },
            )
        if params.get("format"):
            return PlainTextResponse("unbekanntes Format", status_code=404)
        context = {
            "title": "Lückenradar",
            "regions": regions,
            "quarters": quarters,
            "radar": radar,
            "min_count": MIN_COUNT,
            "current": quarter_of(utcnow().date()),
        }
        return await self.templates.TemplateResponse(request, "gaps.html", context)


def to_pdf(radar: gaps.Radar) -> bytes:
    """One A4 page: the four tables, each cut to its largest rows."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    width, height = A4
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    title = f"Lückenradar {radar.region} · {radar.quarter}"
    pdf.setTitle(title)
    pdf.setAuthor("Lotse")
    y = height - 50
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(40, y, title)
    y -= 16
    pdf.setFont("Helvetica", 8.5)
    pdf.drawString(
        40,
        y,
        f"Fragen ohne passendes Angebot (nur Thema, Ort, Status, Alter, Sprache – kein Text, "
        f"keine Person). Zahlen unter {MIN_COUNT} ausgeblendet ({radar.hidden} Zeilen).",
    )
    y -= 24
    tables = [
        ("Wo nichts passte: Ort und Bereich", ("Ort", "Bereich"), radar.places),
        ("Wo nichts passte: Aufenthaltsstatus", ("Status", "Bereich"), radar.statuses),
        ("Wo nichts passte: Altersgruppe", ("Alter", "Bereich"), radar.ages),
        (
            "Gefragt in Sprachen, die das Angebot nicht spricht",
            ("Angebot", "Sprache"),
            radar.languages,
        ),
    ]
    for heading, (first, second), rows in tables:
        pdf.setFillColor(HexColor("#000000"))
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(40, y, heading)
        y -= 15
        pdf.setFont("Helvetica-Bold", 8.5)
        pdf.drawString(40, y, first)
        pdf.drawString(300, y, second)
        pdf.drawRightString(width - 40, y, "Fragen")
        y -= 12
        pdf.setFont("Helvetica", 8.5)
        if not rows:
            pdf.drawString(40, y, f"– keine Zeile mit mindestens {MIN_COUNT} Fragen –")
            y -= 12
        for a, b, n in rows[:MAX_ROWS]:
            pdf.drawString(40, y, a[:58])
            pdf.drawString(300, y, b[:52])
            pdf.drawRightString(width - 40, y, str(n))
            y -= 12
        if len(rows) > MAX_ROWS:
            pdf.drawString(40, y, f"… und {len(rows) - MAX_ROWS} weitere (siehe Verwaltung)")
            y -= 12
        y -= 14
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
