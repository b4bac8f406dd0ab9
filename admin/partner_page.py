"""The page a partner organisation opens from its link (lotse/partners/links.py): no account,
valid 14 days, its own offers and contacts only; "still valid" or corrections for approval — of
an offer, or of a contact person (changed, new, to be removed)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from admin.security import _same_origin
from lotse.catalogue.contacts import contacts_of
from lotse.catalogue.records import Invalid
from lotse.db import in_session
from lotse.partners import links

FIELDS = {
    "phone": "Telefon (mehrere mit |)",
    "email": "E-Mail",
    "url": "Website",
    "hours": "Öffnungszeiten (z. B. Mo-Fr 09:00-12:00)",
    "description": "Beschreibung",
}
CONTACT_FIELDS = {
    "name": "Name",
    "function": "Funktion",
    "phone": "Telefon (Durchwahl)",
    "email": "E-Mail",
    "substitute": "Vertretung",
}
REFUSED = (
    "Dieser Link ist abgelaufen oder ungültig. Bitte bitten Sie die Verwaltung um einen neuen Link."
)


def partner_routes(templates_dir: str) -> list[Route]:
    templates = Jinja2Templates(directory=templates_dir)

    async def page(request: Request) -> Response:
        token = request.path_params["token"]
        if request.method == "POST" and not _same_origin(request):
            return PlainTextResponse("Anfrage von fremder Seite abgelehnt.", status_code=403)
        form = await request.form() if request.method == "POST" else None
        message, problem = request.query_params.get("done", ""), ""

        def work(session: Any) -> dict[str, Any] | None:
            nonlocal problem
            sent: dict[str, str] = {}
            sent_contact = ""  # the contact form sent back with a problem: its values stay
            link = links.open_link(session, token)
            if link is None:
                return None
            if form is not None:
                who = str(form.get("who") or "")
                if form.get("action") == "confirm":
                    links.confirm(session, link, who)
                    return {"redirect": "confirmed"}
                if form.get("action") == "contact":
                    raw = str(form.get("contact") or "")
                    sent = {c: str(form.get(f"contact_{c}") or "") for c in CONTACT_FIELDS}
                    try:
                        found = links.propose_contact(
                            session,
                            link,
                            int(raw) if raw.isdigit() else None,
                            sent,
                            who,
                            remove=form.get("remove") == "1",
                        )
                    except Invalid as exc:
                        problem = str(exc)
                        sent_contact = raw or "new"
                    else:
                        return {"redirect": "corrected" if found else "unchanged"}
                else:
                    values = {f: str(form.get(f) or "") for f in FIELDS}
                    proposal = links.Proposal(
                        str(form.get("service") or ""), values, str(form.get("note") or "")
                    )
                    try:
                        found = links.propose(session, link, proposal, who)
                    except Invalid as exc:
                        problem = str(exc)
                    else:
                        return {"redirect": "corrected" if found else "unchanged"}
            offers = links.offers_of(session, link.organization_id)
            return {
                "organization": link.organization.name,
                "expires": link.expires_at,
                "offers": [
                    {"id": s.id, "name": s.name, "values": links.current_values(s)} for s in offers
                ],
                "contacts": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "function": c.function,
                        "phone": c.phone,
                        "email": c.email,
                        "substitute": c.substitute,
                        "offer": c.service.name if c.service else "",
                    }
                    for c in contacts_of(session, link.organization_id)
                ],
                "sent": sent,
                "sent_contact": sent_contact,
            }

        context = await in_session(work)
        if context is None:
            return HTMLResponse(f"<!doctype html><p id='refused'>{REFUSED}</p>", status_code=410)
        if "redirect" in context:
            return RedirectResponse(f"/partner/{token}?done={context['redirect']}", 303)
        context.update(
            fields=FIELDS, contact_fields=CONTACT_FIELDS, message=message, problem=problem
        )
        return templates.TemplateResponse(
            request, "partner.html", context, status_code=400 if problem else 200
        )

    return [Route("/partner/{token}", page, methods=["GET", "POST"])]
