"""What the workspace pages show, read inside one database session: the case list with what is
overdue, and one case with its assessment, plan, versions and history (German labels)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.cases import assessment, plan
from lotse.cases.cases import client_text, visible_cases
from lotse.cases.models import AREAS, OPEN_STEP, STEP_STATUSES, Case, CaseEvent, PlanStep
from lotse.cases.reminders import local_today
from lotse.models import utcnow
from lotse.requests.models import Facilitator

STATUS_NAMES = {s: client_text("de", f"status_name_{s}") for s in STEP_STATUSES}
WHO_NAMES = {"client": "Klient/in", "facilitator": "Beratung", "partner": "Partner"}
AREA_NAMES = {a: client_text("de", f"area_{a}") for a in AREAS}
CASE_STATUS_NAMES = {"open": "offen", "closed": "abgeschlossen", "proposed": "angefragt"}


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def overdue_steps(session: Session, case: Case, today: date) -> list[PlanStep]:
    return [
        s
        for s in plan.steps_of(session, case)
        if s.status in OPEN_STEP and s.due_on is not None and s.due_on < today
    ]


def case_rows(session: Session, person: Facilitator) -> list[dict[str, Any]]:
    """The facilitator's visible cases, the overdue ones first."""
    today = local_today(utcnow())
    rows = []
    for case in visible_cases(session, person):
        late = overdue_steps(session, case, today) if case.status == "open" else []
        review_late = (
            case.status == "open"
            and case.next_review_on is not None
            and case.next_review_on < today
        )
        rows.append(
            {
                "reference": case.reference,
                "status": CASE_STATUS_NAMES.get(case.status, case.status),
                "own": case.facilitator_id == person.id,
                "facilitator": case.facilitator.display_name if case.facilitator else "–",
                "region": case.region,
                "language": case.language,
                "overdue": len(late),
                "next_review": _day(case.next_review_on),
                "review_late": review_late,
                "urgent": bool(late) or review_late,
            }
        )
    rows.sort(key=lambda r: (not r["urgent"], r["status"] != "offen"))
    return rows


def case_page(session: Session, case: Case) -> dict[str, Any]:
    today = local_today(utcnow())
    fields = assessment.fields_of(session, case)
    steps = []
    for step in plan.steps_of(session, case):
        card = plan.offer_card(session, step.offer_id, "de") if step.offer_id else None
        steps.append(
            {
                "id": step.id,
                "area": AREA_NAMES.get(step.area, step.area),
                "label": plan.step_label(session, step, "de"),
                "offer": card,
                "who": WHO_NAMES.get(step.who, step.who),
                "due": _day(step.due_on),
                "overdue": step.status in OPEN_STEP
                and step.due_on is not None
                and step.due_on < today,
                "status": step.status,
                "comment": step.comment,
            }
        )
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at.desc())
    )
    return {
        "reference": case.reference,
        "case_status": CASE_STATUS_NAMES.get(case.status, case.status),
        "editable": case.status == "open",
        "facilitator": case.facilitator.display_name if case.facilitator else "–",
        "region": case.region,
        "language": case.language,
        "consent_at": case.consent_at.strftime("%d.%m.%Y") if case.consent_at else "",
        "next_review": _day(case.next_review_on),
        "assessment": [
            (client_text("de", f"field_{name}"), value) for name, value in fields.items()
        ],
        "goals": [(AREA_NAMES.get(g.area, g.area), g.text) for g in plan.goals_of(session, case)],
        "steps": steps,
        "statuses": STATUS_NAMES,
        "versions": [
            {"number": v.number, "at": v.at.strftime("%d.%m.%Y"), "by": v.author, "why": v.reason}
            for v in plan.versions_of(session, case)
        ],
        "events": [
            {"at": e.at.strftime("%d.%m.%Y %H:%M"), "kind": e.kind, "by": e.actor, "text": e.text}
            for e in events
        ],
    }
