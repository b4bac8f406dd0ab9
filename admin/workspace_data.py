"""What the workspace pages show, read inside one database session: the case list with what is
overdue, and one case with its assessment, plan, versions and history (German labels)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.cases import assessment, plan
from lotse.cases.cases import client_text, serves_region, visible_cases
from lotse.cases.models import AREAS, OPEN_STEP, STEP_STATUSES, Case, CaseEvent, PlanStep
from lotse.cases.reminders import local_today
from lotse.catalogue.hsds import Service
from lotse.models import utcnow
from lotse.requests.models import Facilitator

MAX_OFFERS_LISTED = 2000

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
                "area_key": step.area,
                "offer_id": step.offer_id or "",
                "text": step.text,
                "who_key": step.who,
                "due_on": step.due_on.isoformat() if step.due_on else "",
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
        "next_review_on": case.next_review_on.isoformat() if case.next_review_on else "",
        "assessment": [
            (client_text("de", f"field_{name}"), shown_value(value))
            for name, value in fields.items()
        ],
        "fields": fields,
        "goals": [(AREA_NAMES.get(g.area, g.area), g.text) for g in plan.goals_of(session, case)],
        "goal_rows": [
            {
                "id": g.id,
                "area": g.area,
                "area_name": AREA_NAMES.get(g.area, g.area),
                "text": g.text,
            }
            for g in plan.goals_of(session, case)
        ],
        "steps": steps,
        "statuses": STATUS_NAMES,
        "versions": [
            {
                "number": v.number,
                "at": v.at.strftime("%d.%m.%Y"),
                "by": v.author,
                "why": v.reason,
                "changes": change_lines(session, v.snapshot.get("changes") or []),
            }
            for v in plan.versions_of(session, case)
        ],
        "events": [
            {"at": e.at.strftime("%d.%m.%Y %H:%M"), "kind": e.kind, "by": e.actor, "text": e.text}
            for e in events
        ],
    }


def shown_value(value: str) -> str:
    return "weiß nicht" if value == "unknown" else value


def _item(session: Session, item: dict[str, Any]) -> str:
    text = str(item.get("text") or "")
    offer_id = item.get("offer_id")
    if offer_id:
        card = plan.offer_card(session, str(offer_id), "de")
        name = card.name if card else str(offer_id)
        text = f"{name} — {text}" if text else name
    area = AREA_NAMES.get(str(item.get("area")), str(item.get("area")))
    return f"{area}: {text}"


def _value(part: str, value: object) -> str:
    if value is None or value == "":
        return "–"
    if part == "status":
        return STATUS_NAMES.get(str(value), str(value))
    if part == "who":
        return WHO_NAMES.get(str(value), str(value))
    if part == "area":
        return AREA_NAMES.get(str(value), str(value))
    if part == "due_on":
        return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    return str(value)


CHANGE_NAMES = {
    "goal_added": "Ziel neu",
    "goal_removed": "Ziel entfernt",
    "goal_changed": "Ziel geändert",
    "step_added": "Schritt neu",
    "step_removed": "Schritt entfernt",
    "step_status": "Stand",
    "step_due_on": "Fällig am",
    "step_who": "Wer",
    "step_text": "Text",
    "step_offer_id": "Angebot",
    "step_area": "Handlungsfeld",
}


def change_lines(session: Session, changes: list[dict[str, Any]]) -> list[str]:
    """What a review recorded as changed since the version before, in German."""
    lines = []
    for change in changes:
        kind = str(change.get("change"))
        name = CHANGE_NAMES.get(kind, kind)
        item = _item(session, change.get("item") or {})
        if "from" in change:
            part = kind.removeprefix("step_").removeprefix("goal_")
            before, after = _value(part, change["from"]), _value(part, change["to"])
            if kind == "goal_changed":
                lines.append(f"{name}: „{before}“ → „{after}“")
            else:
                lines.append(f"{name}: {before} → {after} ({item})")
        else:
            lines.append(f"{name}: {item}")
    return lines


def edit_choices(session: Session, case: Case) -> dict[str, Any]:
    """What the edit forms offer: areas, who, statuses, German levels, the catalogue's active
    offers (for the step's offer field), the colleagues a case can be handed over to."""
    offers = session.execute(
        select(Service.id, Service.name)
        .where(Service.status == "active")
        .order_by(Service.name)
        .limit(MAX_OFFERS_LISTED)
    ).all()
    colleagues = [
        {"id": p.id, "name": p.display_name}
        for p in session.scalars(
            select(Facilitator)
            .where(Facilitator.active.is_(True))
            .order_by(Facilitator.display_name)
        )
        if p.id != case.facilitator_id and serves_region(session, p, case)
    ]
    return {
        "areas": AREA_NAMES,
        "who": WHO_NAMES,
        "statuses": STATUS_NAMES,
        "levels": {
            **{level: level for level in assessment.GERMAN_LEVELS if level != "unknown"},
            "unknown": "weiß nicht",
        },
        "fields": [(f, client_text("de", f"field_{f}")) for f in assessment.FIELDS],
        "offers": [{"id": i, "name": n} for i, n in offers],
        "colleagues": colleagues,
    }
