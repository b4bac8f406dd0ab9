"""The integration plan: goals per activity area and concrete steps, reviewed in versions.

A step is a catalogue offer (its name, description, address, phones and hours come with it, in
the reader's language) or free text; who does it, a due date, a status and a short comment. A
review ("Fortschreibung") stores the plan as it stood with what changed and why, and sets the
next review date. The client marks a step done or asks for help in Telegram; the facilitator is
told through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.cases.cases import CaseError, log_event, tell_staff
from lotse.cases.models import (
    AREAS,
    OPEN_STEP,
    STEP_STATUSES,
    STEP_WHO,
    Case,
    PlanGoal,
    PlanStep,
    PlanVersion,
)
from lotse.catalogue.hsds import Service
from lotse.catalogue.schedule import format_days, rule_from_schedule
from lotse.i18n import section
from lotse.models import utcnow

MAX_TEXT = 500
MAX_COMMENT = 300


@dataclass(frozen=True)
class OfferCard:
    name: str
    description: str
    address: str
    phones: list[str]
    hours: str


def _check_area(area: str) -> str:
    if area not in AREAS:
        raise CaseError(f"unknown activity area: {area} (one of {', '.join(AREAS)})")
    return area


def add_goal(session: Session, case: Case, area: str, goal: str, by: str) -> PlanGoal:
    goal = goal.strip()
    if not goal or len(goal) > MAX_TEXT:
        raise CaseError(f"a goal needs 1 to {MAX_TEXT} characters")
    row = PlanGoal(case_id=case.id, area=_check_area(area), text=goal)
    session.add(row)
    log_event(session, case, "change", by, "goal added")
    session.flush()
    return row


def add_step(
    session: Session,
    case: Case,
    *,
    area: str,
    by: str,
    offer_id: str | None = None,
    step_text: str = "",
    who: str = "client",
    due_on: date | None = None,
    comment: str = "",
) -> PlanStep:
    """A step is an offer of the catalogue or free text (or an offer with a word about it)."""
    step_text, comment = step_text.strip(), comment.strip()
    if offer_id:
        if session.get(Service, offer_id) is None:
            raise CaseError(f"no offer with the id {offer_id}")
    elif not step_text:
        raise CaseError("a step needs an offer or a text")
    if len(step_text) > MAX_TEXT or len(comment) > MAX_COMMENT:
        raise CaseError(f"text at most {MAX_TEXT}, comment at most {MAX_COMMENT} characters")
    if who not in STEP_WHO:
        raise CaseError(f"who: one of {', '.join(STEP_WHO)}")
    step = PlanStep(
        case_id=case.id,
        area=_check_area(area),
        offer_id=offer_id or None,
        text=step_text,
        who=who,
        due_on=due_on,
        comment=comment,
    )
    session.add(step)
    log_event(session, case, "change", by, "step added")
    session.flush()
    return step


def update_step(
    session: Session,
    case: Case,
    step: PlanStep,
    by: str,
    *,
    status: str | None = None,
    comment: str | None = None,
    due_on: date | None = None,
    clear_due: bool = False,
) -> None:
    if step.case_id != case.id:
        raise CaseError("the step belongs to another case")
    if status is not None:
        if status not in STEP_STATUSES:
            raise CaseError(f"status: one of {', '.join(STEP_STATUSES)}")
        step.status = status
    if comment is not None:
        if len(comment.strip()) > MAX_COMMENT:
            raise CaseError(f"comment at most {MAX_COMMENT} characters")
        step.comment = comment.strip()
    if due_on is not None or clear_due:
        step.due_on = due_on
        step.due_reminded_on = step.overdue_notified_on = None
    step.updated_at = utcnow()
    log_event(session, case, "change", by, f"step {step.id}: {step.status}")


def steps_of(session: Session, case: Case) -> list[PlanStep]:
    return list(
        session.scalars(
            select(PlanStep)
            .where(PlanStep.case_id == case.id)
            .order_by(PlanStep.area, PlanStep.due_on, PlanStep.id)
        )
    )


def goals_of(session: Session, case: Case) -> list[PlanGoal]:
    return list(
        session.scalars(
            select(PlanGoal).where(PlanGoal.case_id == case.id).order_by(PlanGoal.area, PlanGoal.id)
        )
    )


def versions_of(session: Session, case: Case) -> list[PlanVersion]:
    return list(
        session.scalars(
            select(PlanVersion).where(PlanVersion.case_id == case.id).order_by(PlanVersion.number)
        )
    )


def snapshot(session: Session, case: Case) -> dict[str, Any]:
    return {
        "goals": [{"id": g.id, "area": g.area, "text": g.text} for g in goals_of(session, case)],
        "steps": [
            {
                "id": s.id,
                "area": s.area,
                "offer_id": s.offer_id,
                "text": s.text,
                "who": s.who,
                "due_on": s.due_on.isoformat() if s.due_on else None,
                "status": s.status,
                "comment": s.comment,
            }
            for s in steps_of(session, case)
        ],
        "next_review_on": case.next_review_on.isoformat() if case.next_review_on else None,
    }


def review(
    session: Session, case: Case, by: str, reason: str, next_review_on: date | None
) -> PlanVersion:
    """A Fortschreibung: the plan as it stands now becomes version n+1, with what changed since
    the last version (`snapshot["changes"]`, `changes_since`) and why; the next review
    date is set (and its reminder armed again)."""
    reason = reason.strip()
    if not reason:
        raise CaseError("say what changed and why")
    if len(reason) > 4000:
        raise CaseError("the reason has at most 4000 characters")
    if next_review_on is not None and next_review_on <= utcnow().date():
        raise CaseError("the next review must lie in the future")
    previous = session.scalars(
        select(PlanVersion)
        .where(PlanVersion.case_id == case.id)
        .order_by(PlanVersion.number.desc())
    ).first()
    number = (previous.number if previous else 0) + 1
    case.next_review_on, case.review_reminded_on = next_review_on, None
    version = PlanVersion(case_id=case.id, number=number, author=by, reason=reason, snapshot={})
    session.add(version)
    now = snapshot(session, case)
    now["changes"] = changes_since(previous.snapshot if previous else None, now)
    version.snapshot = now
    log_event(session, case, "review", by, f"version {number}: {reason[:200]}")
    session.flush()
    return version


def client_marks(session: Session, case: Case, step_id: int, action: str) -> PlanStep:
    """The client's button on a step: `done`, or `help` (their facilitator is told)."""
    step = session.get(PlanStep, step_id)
    if step is None or step.case_id != case.id or case.status != "open":
        raise CaseError("no such step")
    person = case.facilitator
    label = step_label(session, step, person.ui_language if person else "de")
    if action == "done":
        if step.status in OPEN_STEP:
            step.status, step.updated_at = "done", utcnow()
            log_event(session, case, "change", "client", f"step {step.id}: done")
            if person is not None:
                tell_staff(session, person, "client_done", reference=case.reference, step=label)
        return step
    if action == "help":
        log_event(session, case, "help", "client", f"step {step.id}")
        if person is not None:
            tell_staff(session, person, "client_needs_help", reference=case.reference, step=label)
        return step
    raise CaseError("unknown action")


def offer_card(session: Session, offer_id: str, language: str) -> OfferCard | None:
    """An offer as the step shows it, in the reader's language where the catalogue has it."""
    service = session.scalar(
        select(Service)
        .where(Service.id == offer_id)
        .options(selectinload(Service.translations), selectinload(Service.phones))
    )
    if service is None:
        return None
    translated = next((t for t in service.translations if t.language == language), None)
    name = (translated.name if translated and translated.name else "") or service.name
    if language != "de" and translated and translated.description:
        description = translated.description
    else:
        description = service.description
    location = service.locations[0].location if service.locations else None
    address = ""
    if location is not None:
        city = f"{location.postal_code} {location.city}".strip()
        address = ", ".join(p for p in (location.address_1, city) if p)
    names = section(language, "lotse_weekdays_short")
    hours = "; ".join(
        f"{format_days(rule.days, names, '–', ', ')} "
        f"{rule.opens.hour}:{rule.opens.minute:02d}–{rule.closes.hour}:{rule.closes.minute:02d}"
        for rule in (
            rule_from_schedule(s.byday, s.opens_at, s.closes_at) for s in service.schedules
        )
    )
    return OfferCard(name, description, address, [p.number for p in service.phones], hours)


def step_label(session: Session, step: PlanStep, language: str) -> str:
    """What the step is, for a reader: the offer's name (and the free text beside it)."""
    if step.offer_id:
        card = offer_card(session, step.offer_id, language)
        name = card.name if card else step.offer_id
        return f"{name} — {step.text}" if step.text else name
    return step.text


def _key(item: dict[str, Any]) -> str:
    """Items of a snapshot by id (snapshots before ids were kept: by their wording)."""
    if item.get("id") is not None:
        return f"id:{item['id']}"
    return f"text:{item.get('area')}:{item.get('offer_id')}:{item.get('text')}"


def changes_since(before: dict[str, Any] | None, now: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots of a plan: goals and steps added or removed, a step's
    status, due date or who changed. Each change names its kind, area and item, and for a change
    the value before and after; the first review lists everything as added."""
    before = before or {"goals": [], "steps": []}
    out: list[dict[str, Any]] = []
    for kind in ("goals", "steps"):
        old = {_key(i): i for i in before.get(kind, [])}
        new = {_key(i): i for i in now.get(kind, [])}
        single = kind[:-1]
        for key, item in new.items():
            if key not in old:
                out.append({"change": f"{single}_added", "item": item})
        for key, item in old.items():
            if key not in new:
                out.append({"change": f"{single}_removed", "item": item})
        if kind == "steps":
            for key in (k for k in new if k in old):
                for part in ("status", "due_on", "who", "text", "offer_id", "area"):
                    if old[key].get(part) != new[key].get(part):
                        out.append(
                            {
                                "change": f"step_{part}",
                                "item": new[key],
                                "from": old[key].get(part),
                                "to": new[key].get(part),
                            }
                        )
        elif kind == "goals":
            for key in (k for k in new if k in old):
                if (old[key].get("text"), old[key].get("area")) != (
                    new[key].get("text"),
                    new[key].get("area"),
                ):
                    out.append(
                        {
                            "change": "goal_changed",
                            "item": new[key],
                            "from": old[key].get("text"),
                            "to": new[key].get("text"),
                        }
                    )
    return out
