"""The facilitators' web workspace under /workspace: their cases, one case's page, a note, a
step's status, the plan as PDF.

Login without a password: `/web` in the bot sends a one-time link (lotse/cases/access.py). Its
page only shows a button; the POST spends the link, so a chat app's link preview cannot use it
up. The session lives in the database (only its hash), the cookie carries its token; forms from
other origins are refused as in the admin. A case another facilitator may not see answers 404,
exactly like one that does not exist, so guessing URLs tells nothing. Admin accounts have no way
in: the workspace knows only facilitators. Every view and change is written to the audit log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from admin.security import _same_origin
from admin.workspace_data import case_page, case_rows, edit_choices
from admin.workspace_edit import Make, edit_routes
from admin.workspace_requests import contacts_on_case, request_routes
from lotse.cases import access
from lotse.cases.cases import CaseError, add_note, may_see
from lotse.cases.models import STEP_STATUSES, Case, PlanStep
from lotse.cases.plan import update_step
from lotse.cases.plan_pdf import plan_pdf
from lotse.cases.privacy import SESSION_MAX
from lotse.db import session_scope
from lotse.requests.models import Facilitator

T = TypeVar("T")
COOKIE = "lotse_workspace"
MAX_NOTE = 4000
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


class NotVisible(Exception):
    """No such case, or not one this facilitator may see: both answer 404."""


def workspace_routes(database_url: str, *, secure_cookie: bool = False) -> list[Route]:
    async def run(work: Callable[[Session], T]) -> T:
        def go() -> T:
            with session_scope(database_url) as session:
                return work(session)

        return await asyncio.to_thread(go)

    def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request, f"workspace/{template}", values, status_code=status
        )

    def refused(request: Request, message: str, status: int) -> HTMLResponse:
        return page(request, "message.html", status, message=message)

    def case_for(session: Session, person: Facilitator, reference: str) -> Case:
        case = session.scalar(select(Case).where(Case.reference == reference[:12]))
        if case is None or not may_see(session, person, case):
            access.audit(session, person, "refused", "case_file", reference[:12])
            raise NotVisible
        return case

    async def signed_in(
        request: Request, work: Callable[[Session, Facilitator], T]
    ) -> T | Response:
        if request.method == "POST" and not _same_origin(request):
            return refused(request, "Anfrage von fremder Seite abgelehnt.", 403)
        token = request.cookies.get(COOKIE)

        def go(session: Session) -> T | NotVisible | None:
            person = access.facilitator_of_session(session, token)
            if person is None:
                return None
            try:
                return work(session, person)
            except NotVisible as refusal:  # nothing changed yet: the refusal is kept
                return refusal

        result = await run(go)
        if isinstance(result, NotVisible):
            return refused(
                request, "Diese Fallakte gibt es nicht oder Sie dürfen sie nicht sehen.", 404
            )
        if result is None:
            return refused(
                request,
                "Sie sind nicht angemeldet. Schreiben Sie dem Bot /web, "
                "er schickt Ihnen einen Anmeldelink.",
                401,
            )
        return result

    async def login_page(request: Request) -> Response:
        return page(request, "login.html", token=request.path_params["token"])

    async def login(request: Request) -> Response:
        if not _same_origin(request):
            return refused(request, "Anfrage von fremder Seite abgelehnt.", 403)
        token = str(request.path_params["token"])[:200]
        session_token = await run(lambda s: access.redeem_login_link(s, token))
        if session_token is None:
            return refused(
                request,
                "Dieser Anmeldelink ist schon benutzt oder abgelaufen (er gilt fünf Minuten). "
                "Schreiben Sie dem Bot /web für einen neuen.",
                403,
            )
        response = RedirectResponse("/workspace/", status_code=303)
        response.set_cookie(
            COOKIE,
            session_token,
            max_age=int(SESSION_MAX.total_seconds()),
            path="/workspace",
            httponly=True,
            samesite="strict",
            secure=secure_cookie,
        )
        return response

    async def logout(request: Request) -> Response:
        if not _same_origin(request):
            return refused(request, "Anfrage von fremder Seite abgelehnt.", 403)
        token = request.cookies.get(COOKIE)
        await run(lambda s: access.end_session(s, token))
        response = refused(request, "Sie sind abgemeldet.", 200)
        response.delete_cookie(COOKIE, path="/workspace")
        return response

    async def case_list(request: Request) -> Response:
        def work(session: Session, person: Facilitator) -> dict[str, Any]:
            rows = case_rows(session, person)
            access.audit(session, person, "view", "case_file", "list")
            return {"name": person.display_name, "rows": rows}

        result = await signed_in(request, work)
        if isinstance(result, Response):
            return result
        return page(request, "cases.html", **result)

    async def show_case(
        request: Request,
        error: str = "",
        status: int = 200,
        submitted: dict[str, str] | None = None,
        form_id: str = "",
    ) -> Response:
        """The case page; after a refused change with the form as it was sent (`form_id` names
        the form, `submitted` its values), so nothing typed is lost."""
        reference = str(request.path_params["reference"])

        def work(session: Session, person: Facilitator) -> dict[str, Any]:
            case = case_for(session, person, reference)
            access.audit(session, person, "view", "case_file", str(case.id))
            return {
                "name": person.display_name,
                "case": case_page(session, case),
                "choices": edit_choices(session, case),
                "partner": contacts_on_case(session, person, case),
            }

        result = await signed_in(request, work)
        if isinstance(result, Response):
            return result
        return page(
            request,
            "case.html",
            status,
            error=error,
            sent=submitted or {},
            sent_form=form_id,
            **result,
        )

    async def change(
        request: Request, make: Make, submitted: dict[str, str] | None = None, form_id: str = ""
    ) -> Response:
        """A change to a case; a CaseError shows the page again with what was wrong and the form
        as sent (nothing is saved: the transaction is rolled back)."""
        reference = str(request.path_params["reference"])

        def work(session: Session, person: Facilitator) -> str:
            case = case_for(session, person, reference)
            if case.status != "open":
                raise CaseError("Die Fallakte ist abgeschlossen.")
            target = make(session, person, case)
            return target or f"/workspace/case/{case.reference}"

        try:
            result = await signed_in(request, work)
        except CaseError as problem:
            return await show_case(
                request, error=str(problem), status=400, submitted=submitted, form_id=form_id
            )
        if isinstance(result, Response):
            return result
        return RedirectResponse(result, status_code=303)

    async def note(request: Request) -> Response:
        form = await request.form()
        text = str(form.get("note") or "")

        def make(session: Session, person: Facilitator, case: Case) -> None:
            if len(text.strip()) > MAX_NOTE:
                raise CaseError(f"Eine Notiz hat höchstens {MAX_NOTE} Zeichen.")
            if not text.strip():
                raise CaseError("Die Notiz ist leer.")
            event = add_note(session, case, person, text)
            session.flush()
            access.audit(session, person, "create", "case_event", str(event.id), ["text"])

        return await change(request, make, {"note": text}, "note")

    async def step_status(request: Request) -> Response:
        form = await request.form()
        status = str(form.get("status") or "")
        raw_id = str(request.path_params["step"])

        def make(session: Session, person: Facilitator, case: Case) -> None:
            step = session.get(PlanStep, int(raw_id)) if raw_id.isdigit() else None
            if step is None or step.case_id != case.id:
                raise CaseError("Diesen Schritt gibt es in dieser Fallakte nicht.")
            if status not in STEP_STATUSES:
                raise CaseError(f"Unbekannter Stand: {status[:40]!r}.")
            update_step(session, case, step, person.display_name, status=status)
            access.audit(session, person, "update", "plan_step", str(step.id), ["status"])

        return await change(request, make)

    async def download_plan(request: Request) -> Response:
        reference = str(request.path_params["reference"])
        wanted = request.query_params.get("lang", "de")

        def work(session: Session, person: Facilitator) -> tuple[bytes, str]:
            case = case_for(session, person, reference)
            if wanted not in ("de", case.language):
                return b"", case.reference
            access.audit(session, person, "view", "case_file", str(case.id), [f"plan_pdf_{wanted}"])
            return plan_pdf(session, case, wanted), case.reference

        result = await signed_in(request, work)
        if isinstance(result, Response):
            return result
        body, ref = result
        if not body:
            return refused(
                request, "Den Plan gibt es auf Deutsch und in der Sprache der Person.", 400
            )
        return Response(
            body,
            media_type="application/pdf",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="Integrationsplan-{ref}-{wanted}.pdf"'
                ),
                "Cache-Control": "no-store",
            },
        )

    return [
        Route("/workspace/login/{token}", login_page, methods=["GET"]),
        Route("/workspace/login/{token}", login, methods=["POST"]),
        Route("/workspace/logout", logout, methods=["POST"]),
        Route("/workspace/", case_list, methods=["GET"]),
        Route("/workspace/case/{reference}", show_case, methods=["GET"]),
        Route("/workspace/case/{reference}/note", note, methods=["POST"]),
        Route("/workspace/case/{reference}/step/{step}", step_status, methods=["POST"]),
        Route("/workspace/case/{reference}/plan.pdf", download_plan, methods=["GET"]),
        *edit_routes(change),
        *request_routes(signed_in, page, refused),
    ]
