"""Editing a case in the facilitators' workspace: the assessment, goals and steps, a review
(Fortschreibung) and a handover to a named colleague.

Each form is checked here with a German reason first (the core checks again); a wrong value
shows the case page again with the reason and the form as it was sent (400), and nothing is
saved. Every change goes into the audit log with the names of the fields, never their values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lotse.cases import access, assessment, plan, plan_edit
from lotse.cases.cases import CaseError, client_text, handover, may_see, serves_region
from lotse.cases.models import AREAS, STEP_STATUSES, STEP_WHO, Case, PlanGoal, PlanStep
from lotse.catalogue.hsds import Service
from lotse.models import utcnow
from lotse.requests.models import Facilitator

Make = Callable[[Session, Facilitator, Case], str | None]
"""Makes a change; returns where to go afterwards (None: the case page)."""
Change = Callable[[Request, Make, dict[str, str], str], Awaitable[Response]]
MAX_NOTE = 2000
FIELD_LABELS = {
    **{f: client_text("de", f"field_{f}") for f in assessment.FIELDS},
    "children": "Alter der Kinder",
}


@dataclass(frozen=True)
class StepForm:
    area: str
    offer_id: str | None
    text: str
    who: str
    due_on: date | None
    status: str
    comment: str


def _text(form: dict[str, str], name: str) -> str:
    return form.get(name, "").strip()


def parse_day(raw: str, label: str) -> date | None:
    """A date from an `<input type=date>` (2026-12-24) or typed German (24.12.2026)."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        if "." in raw:
            day, month, year = (int(p) for p in raw.split("."))
            value = date(year, month, day)
        else:
            value = date.fromisoformat(raw)
    except ValueError:
        raise CaseError(f"{label}: kein gültiges Datum ({raw[:20]!r}).") from None
    try:
        return plan_edit.check_due(value)
    except CaseError as problem:
        raise CaseError(f"{label}: bitte ein Datum zwischen 2000 und in fünf Jahren.") from problem


def _number(raw: str, what: str) -> int:
    if not raw.isdigit():
        raise CaseError(f"{what} gibt es in dieser Fallakte nicht.")
    return int(raw)


def check_step_form(session: Session, form: dict[str, str]) -> StepForm:
    """The values of a step form, checked, or CaseError with a German reason."""
    area, who, status = _text(form, "area"), _text(form, "who"), _text(form, "status") or "planned"
    offer_id, text, comment = _text(form, "offer_id"), _text(form, "text"), _text(form, "comment")
    if area not in AREAS:
        raise CaseError("Bitte ein Handlungsfeld wählen.")
    if offer_id:
        service = session.get(Service, offer_id[:64])
        if service is None or service.status != "active":
            raise CaseError(
                f"Ein Angebot mit der Kennung {offer_id[:64]!r} gibt es im Katalog nicht. "
                "Bitte aus der Liste wählen oder das Feld leeren und den Schritt als Text "
                "beschreiben."
            )
    elif not text:
        raise CaseError("Ein Schritt braucht ein Angebot aus dem Katalog oder einen Text.")
    if len(text) > plan.MAX_TEXT:
        raise CaseError(f"Der Schritt hat höchstens {plan.MAX_TEXT} Zeichen.")
    if len(comment) > plan.MAX_COMMENT:
        raise CaseError(f"Der Kommentar hat höchstens {plan.MAX_COMMENT} Zeichen.")
    if who not in STEP_WHO:
        raise CaseError("Bitte wählen, wer den Schritt macht.")
    if status not in STEP_STATUSES:
        raise CaseError(f"Unbekannter Stand: {status[:40]!r}.")
    due_on = parse_day(form.get("due_on", ""), "Fällig am")
    return StepForm(area, offer_id or None, text, who, due_on, status, comment)


def check_goal_form(form: dict[str, str]) -> tuple[str, str]:
    area, text = _text(form, "area"), _text(form, "text")
    if area not in AREAS:
        raise CaseError("Bitte ein Handlungsfeld wählen.")
    if not text:
        raise CaseError("Das Ziel ist leer.")
    if len(text) > plan.MAX_TEXT:
        raise CaseError(f"Ein Ziel hat höchstens {plan.MAX_TEXT} Zeichen.")
    return area, text


def save_assessment(
    session: Session, person: Facilitator, case: Case, form: dict[str, str]
) -> list[str]:
    """Every field of the form: a new value is checked and saved, an emptied field deleted, an
    unchanged one left alone (so a client's own wording of a field is not checked against the
    workspace's format). All fields are checked before the first is saved. Returns the changed
    field names."""
    stored = assessment.fields_of(session, case)
    wanted: dict[str, str | None] = {}
    problems = []
    for field in assessment.FIELDS:
        if field not in form:
            continue
        value = form[field].strip()
        if value == stored.get(field, ""):
            continue
        if not value:
            wanted[field] = None
            continue
        try:
            if field == "children":
                value = assessment.check_ages(value)
            value = assessment.check(field, value)
        except CaseError:
            problems.append(_field_problem(field, value))
            continue
        if value != stored.get(field):
            wanted[field] = value
    if problems:
        raise CaseError(" ".join(problems))
    for field, new in wanted.items():
        if new is None:
            assessment.delete_field(session, case, field)
        else:
            assessment.set_field(session, case, field, new, person.display_name)
    if wanted:
        access.audit(session, person, "update", "assessment_field", str(case.id), list(wanted))
    return list(wanted)


def _field_problem(field: str, value: str) -> str:
    label = FIELD_LABELS.get(field, field)
    if field == "children":
        return (
            f"{label}: bitte nur Zahlen von 0 bis {assessment.MAX_CHILD_AGE}, durch Komma "
            "getrennt (zum Beispiel 4, 9)."
        )
    if field == "german_level":
        return f"{label}: A1, A2, B1, B2, C1, C2 oder „weiß nicht“."
    if len(value) > assessment.MAX_LENGTH:
        return f"{label}: höchstens {assessment.MAX_LENGTH} Zeichen."
    return f"{label}: ungültig."


def edit_routes(change: Change) -> list[Route]:
    """The POST routes of editing; `change` runs a Make inside the case's checks and shows the
    page again with the submitted form on a CaseError."""

    async def form_of(request: Request) -> dict[str, str]:
        return {k: str(v) for k, v in (await request.form()).items()}

    async def edit_assessment(request: Request) -> Response:
        form = await form_of(request)

        def make(session: Session, person: Facilitator, case: Case) -> str | None:
            save_assessment(session, person, case, form)
            return None

        return await change(request, make, form, "assessment")

    async def add_goal(request: Request) -> Response:
        form = await form_of(request)

        def make(session: Session, person: Facilitator, case: Case) -> str | None:
            area, text = check_goal_form(form)
            goal = plan.add_goal(session, case, area, text, person.display_name)
            access.audit(session, person, "create", "plan_goal", str(goal.id), ["area", "text"])
            return None

        return await change(request, make, form, "goal-new")

    async def edit_goal(request: Request) -> Response:
        form = await form_of(request)
        raw = str(request.path_params["goal"])

        def make(session: Session, person: Facilitator, case: Case) -> str | None:
            goal = _goal(session, case, raw)
            if form.get("drop"):
                plan_edit.drop_goal(session, case, goal, person.display_name)
                access.audit(session, person, "delete", "plan_goal", raw)
                return None
            area, text = check_goal_form(form)
            plan_edit.edit_goal(session, case, goal, area, text, person.display_name)
            access.audit(session, person, "update", "plan_goal", raw, ["area", "text"])
            return None

        return await change(request, make, form, f"goal-{raw}")

    async def add_step(request: Request) -> Response:
        form = await form_of(request)

        def make(session: Session, person: Facilitator, case: Case) -> str | None:
            v = check_step_form(session, form)
            step = plan.add_step(
                session,
                case,
                area=v.area,
                by=person.display_name,
                offer_id=v.offer_id,
                step_text=v.text,
                who=v.who,
                due_on=v.due_on,
                comment=v.comment,
            )
            step.status = v.status
            access.audit(session, person, "create", "plan_step", str(step.id), sorted(form))
            return None

        return await change(request, make, form, "step-new")

    async def edit_step(request: Request) -> Response:
        form = await form_of(request)
        raw = str(request.path_params["step"])

        def make(session: Session, person: Facilitator, case: Case) -> str | None:
            step = _step(session, case, raw)
            if form.get("drop"):
                plan_edit.drop_step(session, case, step, person.display_name)
                access.audit(session, person, "delete", "plan_step", raw)
                return None
            v = check_step_form(session, form)
            plan_edit.edit_step(
                session,
                case,
                step,
                person.display_name,
                area=v.area,
                offer_id=v.offer_id,
                step_text=v.text,
                who=v.who,
                due_on=v.due_on,
                status=v.status,
                comment=v.comment,
            )
            access.audit(session, person, "update", "plan_step", raw, sorted(form))
            return None

        return await change(request, make, form, f"step-{raw}")

    async def review(request: Request) -> Response:
        form = await form_of(request)

        def make(session: Session, person: Facilitator, case: Case) -> str | None:
            reason = _text(form, "reason")
            if not reason:
                raise CaseError("Bitte schreiben Sie, was sich geändert hat und warum.")
            if len(reason) > 4000:
                raise CaseError("Die Begründung hat höchstens 4000 Zeichen.")
            next_on = parse_day(form.get("next_review_on", ""), "Nächstes Gespräch")
            if next_on is not None and next_on <= utcnow().date():
                raise CaseError("Nächstes Gespräch: bitte ein Datum nach heute.")
            version = plan.review(session, case, person.display_name, reason, next_on)
            access.audit(
                session, person, "create", "plan_version", str(version.id), ["reason", "snapshot"]
            )
            return None

        return await change(request, make, form, "review")

    async def hand_over(request: Request) -> Response:
        form = await form_of(request)

        def make(session: Session, person: Facilitator, case: Case) -> str | None:
            raw, note = _text(form, "to"), _text(form, "note")
            target = session.get(Facilitator, int(raw)) if raw.isdigit() else None
            if target is None or not target.active or not serves_region(session, target, case):
                raise CaseError("Bitte eine Kollegin oder einen Kollegen der Region wählen.")
            if target.id == case.facilitator_id:
                raise CaseError(f"{target.display_name} ist schon zuständig.")
            if not note:
                raise CaseError("Bitte schreiben Sie eine Übergabenotiz.")
            if len(note) > MAX_NOTE:
                raise CaseError(f"Die Übergabenotiz hat höchstens {MAX_NOTE} Zeichen.")
            handover(session, case, person, target, note)
            access.audit(session, person, "update", "case_file", str(case.id), ["facilitator_id"])
            if not may_see(session, person, case):
                return "/workspace/"
            return None

        return await change(request, make, form, "handover")

    base = "/workspace/case/{reference}"
    return [
        Route(f"{base}/assessment", edit_assessment, methods=["POST"]),
        Route(f"{base}/goal", add_goal, methods=["POST"]),
        Route(f"{base}/goal/{{goal}}", edit_goal, methods=["POST"]),
        Route(f"{base}/step", add_step, methods=["POST"]),
        Route(f"{base}/step/{{step}}/edit", edit_step, methods=["POST"]),
        Route(f"{base}/review", review, methods=["POST"]),
        Route(f"{base}/handover", hand_over, methods=["POST"]),
    ]


def _goal(session: Session, case: Case, raw: str) -> PlanGoal:
    try:
        return plan_edit.goal_of(session, case, _number(raw, "Dieses Ziel"))
    except CaseError:
        raise CaseError("Dieses Ziel gibt es in dieser Fallakte nicht.") from None


def _step(session: Session, case: Case, raw: str) -> PlanStep:
    try:
        return plan_edit.step_of(session, case, _number(raw, "Diesen Schritt"))
    except CaseError:
        raise CaseError("Diesen Schritt gibt es in dieser Fallakte nicht.") from None
