"""Callback requests in the facilitators' workspace, with the partners' contact persons: the
requests of one's regions (open ones, and one's own), a request's page, and the contacts shown
on a request's and a case's page (lotse/partners/staff_contacts.py).

A request another facilitator may not see answers 404, like one that does not exist (as a case
does). The client's phone number is shown only to the one who took the request, as in the desk.
Every view is audited; contacts are logged by row, never by value.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from lotse.cases import access
from lotse.cases.cases import may_see
from lotse.cases.models import Case, CaseRequest
from lotse.partners.staff_contacts import ContactCard, case_contacts, record_view, request_contacts
from lotse.requests import callbacks
from lotse.requests.desk import request_values
from lotse.requests.handoff import owns
from lotse.requests.models import CallbackRequest, Facilitator

Work = Callable[[Session, Facilitator], Any]
SignedIn = Callable[[Request, Work], Awaitable[Any]]
"""The workspace's `signed_in`: runs `work` for the signed-in facilitator, or answers 401/403."""
Page = Callable[..., HTMLResponse]
Refused = Callable[[Request, str, int], HTMLResponse]

STATUS_NAMES = {
    "open": "offen",
    "claimed": "übernommen",
    "closed": "abgeschlossen",
    "cancelled": "abgesagt",
}
HIDDEN = "hidden"
PICTOGRAM = re.compile(r"^\W+")
"""What a topic's button label starts with (🏠): not every browser font has it."""
NOT_VISIBLE = "Diese Anfrage gibt es nicht oder Sie dürfen sie nicht sehen."


def may_see_request(session: Session, person: Facilitator, request: CallbackRequest) -> bool:
    """An open request of one's regions (as the desk shows it), or one's own."""
    if request.facilitator_id == person.id:
        return True
    return request.status == "open" and callbacks.covers(session, person, request)


def request_rows(session: Session, person: Facilitator) -> list[dict[str, Any]]:
    """The open requests of one's regions and one's own in progress, urgent first."""
    rows = [*callbacks.claimed_by(session, person), *callbacks.visible_to(session, person)]
    return [
        {**_summary(r), "own": r.facilitator_id == person.id}
        for r in sorted(rows, key=lambda r: (not r.urgent, r.status != "claimed", r.created_at))
    ]


def _summary(request: CallbackRequest) -> dict[str, Any]:
    values = request_values(request, "de")
    return {
        "reference": request.reference,
        "status": STATUS_NAMES.get(request.status, request.status),
        "urgent": request.urgent,
        "topic": PICTOGRAM.sub("", values["topic"]),
        "place": values["place"],
        "language": values["language"],
        "time": values["time"],
    }


def contact_rows(cards: list[ContactCard]) -> list[dict[str, str]]:
    return [
        {
            "organization": c.organization,
            "offer": c.offer or "ganze Organisation",
            "name": c.name,
            "function": c.function,
            "phone": c.phone,
            "email": c.email,
            "substitute": c.substitute,
        }
        for c in cards
    ]


def request_page(session: Session, person: Facilitator, request: CallbackRequest) -> dict[str, Any]:
    """A request as its page shows it, with the contacts of its offers (audited)."""
    access.audit(session, person, "view", "callback_request", str(request.id))
    cards = request_contacts(session, request)
    record_view(session, person, f"request:{request.id}", cards)
    values = request_values(request, "de")
    case = session.scalar(
        select(Case)
        .join(CaseRequest, CaseRequest.case_id == Case.id)
        .where(CaseRequest.request_id == request.id)
    )
    return {
        **_summary(request),
        "contact": values["contact"],
        "phone": request.phone if owns(request, person) else "",
        "holder": request.facilitator.display_name if request.facilitator else "",
        "case": case.reference if case is not None and may_see(session, person, case) else "",
        "contacts": contact_rows(cards),
    }


def contacts_on_case(session: Session, person: Facilitator, case: Case) -> dict[str, Any]:
    """What a case's page adds: its requests and the contacts of its offers (audited)."""
    cards = case_contacts(session, case)
    record_view(session, person, f"case:{case.id}", cards)
    requests = session.scalars(
        select(CallbackRequest)
        .join(CaseRequest, CaseRequest.request_id == CallbackRequest.id)
        .where(CaseRequest.case_id == case.id)
        .order_by(CallbackRequest.id)
    ).all()
    return {
        "contacts": contact_rows(cards),
        "requests": [
            _summary(r) for r in requests if r.place and may_see_request(session, person, r)
        ],
    }


def request_routes(signed_in: SignedIn, page: Page, refused: Refused) -> list[Route]:
    """The request list and a request's page, on the workspace's login and page helpers."""

    async def request_list(request: Request) -> Response:
        def work(session: Session, person: Facilitator) -> dict[str, Any]:
            access.audit(session, person, "view", "callback_request", "list")
            return {"name": person.display_name, "rows": request_rows(session, person)}

        result = await signed_in(request, work)
        if isinstance(result, Response):
            return result
        return page(request, "requests.html", **result)

    async def show_request(request: Request) -> Response:
        reference = str(request.path_params["reference"])[:12]

        def work(session: Session, person: Facilitator) -> dict[str, Any] | str:
            found = session.scalar(
                select(CallbackRequest).where(CallbackRequest.reference == reference)
            )
            if found is None or not may_see_request(session, person, found):
                access.audit(session, person, "refused", "callback_request", reference)
                return HIDDEN
            return {"name": person.display_name, "item": request_page(session, person, found)}

        result = await signed_in(request, work)
        if isinstance(result, Response):
            return result
        if result == HIDDEN:
            return refused(request, NOT_VISIBLE, 404)
        return page(request, "request.html", **result)

    return [
        Route("/workspace/requests", request_list, methods=["GET"]),
        Route("/workspace/request/{reference}", show_request, methods=["GET"]),
    ]
