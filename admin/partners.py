"""Partners in the admin: named contacts (edited as a table), the Schnittstellenpapier's table
part (tasks and contacts per partner, PDF/XLSX), partner links and the corrections they bring.

The table's downloads carry staff's direct numbers: each is written to the audit log (who, which
region, when)."""

from __future__ import annotations

import io
from typing import Any

from sqladmin import BaseView, ModelView, expose
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from admin.schaubild import _download_name
from admin.security import ACTOR_KEY
from lotse.audit import AuditLog
from lotse.catalogue.contacts import PartnerContact
from lotse.catalogue.formulas import neutralise
from lotse.catalogue.hsds import Organization
from lotse.db import in_session
from lotse.partners import links
from lotse.partners.schaubild import places_in, regions


class ContactAdmin(ModelView, model=PartnerContact):
    """Staff's personal data: no export button (the table part below is the export)."""

    name = "Kontaktperson"
    name_plural = "Kontaktpersonen"
    icon = "fa-solid fa-address-book"
    can_export = False
    column_list = [  # noqa: RUF012
        PartnerContact.name,
        PartnerContact.function,
        PartnerContact.organization,
        PartnerContact.service,
        PartnerContact.phone,
        PartnerContact.email,
        PartnerContact.substitute,
    ]
    column_searchable_list = [PartnerContact.name, PartnerContact.organization_id]  # noqa: RUF012
    form_columns = [  # noqa: RUF012
        PartnerContact.organization,
        PartnerContact.service,
        PartnerContact.name,
        PartnerContact.function,
        PartnerContact.phone,
        PartnerContact.email,
        PartnerContact.substitute,
    ]


def partner_table(session: Any, region: str) -> list[dict[str, Any]]:
    """Per organisation serving the region: its offers (the tasks) and its contacts."""
    from lotse.catalogue.places import area_chain

    area_names = {a.name for p in places_in(session, region) for a in area_chain(session, p)}
    table = []
    for org in session.scalars(select(Organization).order_by(Organization.name)):
        offers = [
            s
            for s in links.offers_of(session, org.id)
            if {a.area.name for a in s.areas} & area_names
        ]
        if not offers:
            continue
        people = session.scalars(
            select(PartnerContact)
            .where(PartnerContact.organization_id == org.id)
            .order_by(PartnerContact.name)
        ).all()
        table.append(
            {
                "id": org.id,
                "name": org.name,
                "offers": [{"id": s.id, "name": s.name} for s in offers],
                "contacts": [
                    {
                        "name": c.name,
                        "function": c.function,
                        "phone": c.phone,
                        "email": c.email,
                        "substitute": c.substitute,
                        "offer": c.service.name if c.service else "",
                    }
                    for c in people
                ],
            }
        )
    return table


class PartnersView(BaseView):
    name = "Partner"
    icon = "fa-solid fa-handshake"

    @expose("/partners", methods=["GET", "POST"], identity="partners")
    async def page(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.act(request)
        params = request.query_params

        def load(session: Any) -> dict[str, Any]:
            known = regions(session)
            region = params.get("region") or (known[0] if known else "")
            return {
                "regions": known,
                "region": region,
                "table": partner_table(session, region) if region in known else [],
                "known": region in known,
                "pending": [
                    {
                        "id": c.id,
                        "organization": c.organization.name,
                        "offer": c.service.name if c.service else _contact_label(session, c),
                        "changes": c.changes,
                        "note": c.note,
                        "by": c.submitted_by,
                        "at": c.submitted_at,
                    }
                    for c in links.pending(session)
                ],
            }

        context = await in_session(load)
        if params.get("region") and not context["known"]:
            return PlainTextResponse("unbekannte Region", status_code=404)
        kind = params.get("format", "")
        if kind in ("xlsx", "pdf"):
            actor = str(request.scope.get(ACTOR_KEY) or "Verwaltung")
            await in_session(lambda s: _audit_download(s, actor, context["region"], kind))
        if kind == "xlsx":
            return Response(
                to_xlsx(context["region"], context["table"]),
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": _tabelle_name(context["region"], "xlsx")},
            )
        if kind == "pdf":
            return Response(
                to_pdf(context["region"], context["table"]),
                media_type="application/pdf",
                headers={"Content-Disposition": _tabelle_name(context["region"], "pdf")},
            )
        if kind:
            return PlainTextResponse("unbekanntes Format", status_code=404)
        context.update(
            title="Partner",
            new_link=request.query_params.get("link", ""),
            link_for=request.query_params.get("for", ""),
        )
        return await self.templates.TemplateResponse(request, "partners.html", context)

    async def act(self, request: Request) -> Response:
        form = await request.form()
        action = str(form.get("action") or "")
        actor = str(request.scope.get(ACTOR_KEY) or "Verwaltung")
        target = str(request.url_for("admin:view-partners"))
        if action == "link":
            organization = str(form.get("organization") or "")
            try:
                token = await in_session(lambda s: links.create_link(s, organization, actor))
            except ValueError:
                return PlainTextResponse("unbekannte Organisation", status_code=404)
            url = str(request.base_url).rstrip("/") + f"/partner/{token}"
            from urllib.parse import urlencode

            return RedirectResponse(
                f"{target}?{urlencode({'link': url, 'for': organization})}", status_code=303
            )
        if action in ("approve", "reject"):
            correction = str(form.get("correction") or "")
            if correction.isdigit():
                await in_session(
                    lambda s: links.decide(s, int(correction), action == "approve", actor)
                )
        return RedirectResponse(target, status_code=303)


def _contact_label(session: Any, correction: links.PartnerCorrection) -> str:
    """What a partner's contact correction is about: the person, or a new one."""
    if correction.contact_id is None:
        return "Kontaktperson: neu"
    person = session.get(PartnerContact, correction.contact_id)
    return f"Kontaktperson: {person.name}" if person else "Kontaktperson: (inzwischen entfernt)"


def _audit_download(session: Any, actor: str, region: str, kind: str) -> None:
    """Who took the confidential table (with staff's numbers) home, for which region."""
    session.add(
        AuditLog(
            actor=actor[:120],
            action="export",
            table="partner_contact",
            row_id=f"{region} ({kind})"[:120],
            changes={},
        )
    )


def _tabelle_name(region: str, suffix: str) -> str:
    return _download_name(region, suffix).replace("schaubild-", "partnertabelle-")


HEADER = (
    "Organisation",
    "Aufgaben (Angebote)",
    "Kontaktperson",
    "Zuständig für",
    "Funktion",
    "Telefon",
    "E-Mail",
    "Vertretung",
)


def _rows(table: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for org in table:
        tasks = "; ".join(o["name"] for o in org["offers"])
        people = org["contacts"] or [
            dict.fromkeys(("name", "offer", "function", "phone", "email", "substitute"), "")
        ]
        for n, c in enumerate(people):
            rows.append(
                (
                    org["name"] if n == 0 else "",
                    tasks if n == 0 else "",
                    c["name"],
                    c["offer"] or ("ganze Organisation" if c["name"] else ""),
                    c["function"],
                    c["phone"],
                    c["email"],
                    c["substitute"],
                )
            )
    return rows


def to_xlsx(region: str, table: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Partner"
    sheet.append([f"Schnittstellenpapier {region} – Tabelle (vertraulich), Stand {_today()}"])
    sheet.append(list(HEADER))
    for row in _rows(table):
        sheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(region: str, table: list[dict[str, Any]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    buffer = io.BytesIO()
    title = f"Schnittstellenpapier {region} – Tabelle, Stand {_today()}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        author="Lotse",
        leftMargin=28,
        rightMargin=28,
        topMargin=28,
        bottomMargin=28,
    )
    data = [[Paragraph(f"<b>{h}</b>", small) for h in HEADER]]
    data += [[Paragraph(_xml(cell), small) for cell in row] for row in _rows(table)]
    grid = Table(data, repeatRows=1, colWidths=[95, 180, 85, 90, 75, 80, 110, 70])
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7eef9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph("Vertraulich: nur für die Partner des Regionalworkshops.", small),
        grid,
    ]
    doc.build(story)
    return buffer.getvalue()


def _today() -> str:
    from datetime import date

    return date.today().strftime("%d.%m.%Y")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
