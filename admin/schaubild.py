"""The Schaubild page: a region's grid of responsibilities, and its SVG and A3 PDF downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from admin.schaubild_drawing import fill_of, subtitle, to_pdf, to_svg
from lotse.db import in_session
from lotse.partners import schaubild


def _download_name(region: str, suffix: str) -> str:
    ascii_name = region.encode("ascii", "replace").decode().replace("?", "_").replace(" ", "-")
    return (
        f'attachment; filename="schaubild-{ascii_name}.{suffix}";'
        f" filename*=UTF-8''schaubild-{quote(region.replace(' ', '-'))}.{suffix}"
    )


class SchaubildView(BaseView):
    name = "Schaubild"
    icon = "fa-solid fa-table-cells"

    @expose("/schaubild", methods=["GET"], identity="schaubild")
    async def page(self, request: Request) -> Response:
        def load(session: Any) -> tuple[list[str], schaubild.Schaubild | None]:
            regions = schaubild.regions(session)
            region = request.query_params.get("region") or (regions[0] if regions else "")
            if region not in regions:
                return regions, None
            return regions, schaubild.build(session, region)

        regions, grid = await in_session(load)
        kind = request.query_params.get("format", "")
        if grid is None and (kind or request.query_params.get("region")):
            return PlainTextResponse("unbekannte Region", status_code=404)
        if grid is not None and kind == "svg":
            return Response(
                to_svg(grid),
                media_type="image/svg+xml",
                headers={"Content-Disposition": _download_name(grid.region, "svg")},
            )
        if grid is not None and kind == "pdf":
            return Response(
                to_pdf(grid),
                media_type="application/pdf",
                headers={"Content-Disposition": _download_name(grid.region, "pdf")},
            )
        if kind:
            return PlainTextResponse("unbekanntes Format", status_code=404)
        rows = []
        if grid is not None:
            for i, activity in enumerate(grid.activities):
                cells = []
                for code, _ in grid.statuses:
                    cell = grid.cell(i, code)
                    cells.append({"cell": cell, "fill": fill_of(cell), "status": code})
                rows.append({"activity": activity, "cells": cells})
        context = {
            "title": "Schaubild",
            "regions": regions,
            "grid": grid,
            "rows": rows,
            "subtitle": subtitle(grid) if grid else "",
        }
        return await self.templates.TemplateResponse(request, "schaubild.html", context)
