"""Editing the integration plan after it was written: a goal's area and wording, a step's every
part (offer or free text, who, due date, status, comment), dropping a goal or a step. What
changed since the last review is found by `plan.changes_since`.

Every function checks its input and raises CaseError with the reason before it changes anything,
so a caller can show the reason and the submitted values again.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from lotse.cases.cases import CaseError, log_event
from lotse.cases.models import AREAS, STEP_STATUSES, STEP_WHO, Case, PlanGoal, PlanStep
from lotse.cases.plan import MAX_COMMENT, MAX_TEXT
from lotse.catalogue.hsds import Service
from lotse.models import utcnow

EARLIEST_YEAR = 2000
LATEST_YEARS_AHEAD = 5


def goal_of(session: Session, case: Case, goal_id: int) -> PlanGoal:
    goal = session.get(PlanGoal, goal_id)
    if goal is None or goal.case_id != case.id:
        raise CaseError("no such goal in this case")
    return goal


def step_of(session: Session, case: Case, step_id: int) -> PlanStep:
    step = session.get(PlanStep, step_id)
    if step is None or step.case_id != case.id:
        raise CaseError("no such step in this case")
    return step


def check_due(value: date | None) -> date | None:
    """A due or review date in a believable range (a typo such as 0202 is refused)."""
    if value is None:
        return None
    latest = utcnow().date().year + LATEST_YEARS_AHEAD
    if not EARLIEST_YEAR <= value.year <= latest:
        raise CaseError(f"a date between {EARLIEST_YEAR} and {latest}")
    return value


def edit_goal(session: Session, case: Case, goal: PlanGoal, area: str, text: str, by: str) -> None:
    text = text.strip()
    if area not in AREAS:
        raise CaseError(f"unknown activity area: {area}")
    if not text or len(text) > MAX_TEXT:
        raise CaseError(f"a goal needs 1 to {MAX_TEXT} characters")
    if goal.case_id != case.id:
        raise CaseError("no such goal in this case")
    goal.area, goal.text = area, text
    log_event(session, case, "change", by, f"goal {goal.id} changed")


def drop_goal(session: Session, case: Case, goal: PlanGoal, by: str) -> None:
    if goal.case_id != case.id:
        raise CaseError("no such goal in this case")
    log_event(session, case, "change", by, f"goal {goal.id} dropped")
    session.execute(delete(PlanGoal).where(PlanGoal.id == goal.id))


def edit_step(
    session: Session,
    case: Case,
    step: PlanStep,
    by: str,
    *,
    area: str,
    offer_id: str | None,
    step_text: str,
    who: str,
    due_on: date | None,
    status: str,
    comment: str,
) -> None:
    """Every part of a step at once (as the workspace's form sends it); all checked first."""
    step_text, comment, offer_id = step_text.strip(), comment.strip(), (offer_id or "").strip()
    if step.case_id != case.id:
        raise CaseError("no such step in this case")
    if area not in AREAS:
        raise CaseError(f"unknown activity area: {area}")
    if offer_id and session.get(Service, offer_id) is None:
        raise CaseError(f"no offer with the id {offer_id}")
    if not offer_id and not step_text:
        raise CaseError("a step needs an offer or a text")
    if len(step_text) > MAX_TEXT or len(comment) > MAX_COMMENT:
        raise CaseError(f"text at most {MAX_TEXT}, comment at most {MAX_COMMENT} characters")
    if who not in STEP_WHO:
        raise CaseError(f"who: one of {', '.join(STEP_WHO)}")
    if status not in STEP_STATUSES:
        raise CaseError(f"status: one of {', '.join(STEP_STATUSES)}")
    due_on = check_due(due_on)
    if due_on != step.due_on:  # a new date arms its reminders again
        step.due_reminded_on = step.overdue_notified_on = None
    step.area, step.offer_id, step.text, step.who = area, offer_id or None, step_text, who
    step.due_on, step.status, step.comment, step.updated_at = due_on, status, comment, utcnow()
    log_event(session, case, "change", by, f"step {step.id}: {status}")


def drop_step(session: Session, case: Case, step: PlanStep, by: str) -> None:
    """Remove a step written by mistake (a measure given up stays, with the status dropped)."""
    if step.case_id != case.id:
        raise CaseError("no such step in this case")
    log_event(session, case, "change", by, f"step {step.id} removed")
    session.execute(delete(PlanStep).where(PlanStep.id == step.id))
