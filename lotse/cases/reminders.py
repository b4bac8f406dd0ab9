"""Reminders of case work, through the outbox: the client the day before a step is due and
before a review meeting; the facilitator before a review and once a step is overdue.

Each reminder is claimed with a conditional UPDATE of its marker (the date it was sent for) in
the same transaction as its outbox row: a gateway restart finds the marker and the queued row in
the database, so nothing is lost and nothing sent twice, and two gateway workers cannot both
claim it. A new due or review date arms the reminder again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from lotse.cases.cases import client_text, tell_client, tell_staff
from lotse.cases.models import OPEN_STEP, Case, PlanStep
from lotse.cases.plan import step_label
from lotse.catalogue.schedule import BERLIN
from lotse.db import affected
from lotse.protocol import CASE_PREFIX
from lotse.requests.outbox import Button


def _claim(
    session: Session, model: type[Case] | type[PlanStep], row_id: int, column: str, value: date
) -> bool:
    marker = getattr(model, column)
    return bool(
        affected(
            session.execute(
                update(model)
                .where(model.id == row_id, or_(marker.is_(None), marker != value))
                .values({column: value})
                .execution_options(synchronize_session=False)
            )
        )
    )


def local_today(now: datetime) -> date:
    return now.astimezone(BERLIN).date()


def queue_due(session: Session, now: datetime) -> int:
    """Queue every reminder that is due now; returns how many were queued."""
    today = local_today(now)
    tomorrow = today + timedelta(days=1)
    queued = 0
    steps = session.scalars(
        select(PlanStep).where(PlanStep.status.in_(OPEN_STEP), PlanStep.due_on.is_not(None))
    ).all()
    for step in steps:
        case = session.get(Case, step.case_id)
        if case is None or case.status != "open" or step.due_on is None:
            continue
        if step.due_on == tomorrow and _claim(
            session, PlanStep, step.id, "due_reminded_on", tomorrow
        ):
            label = step_label(session, step, case.language)
            buttons = [
                [
                    Button(client_text(case.language, "step_done"), f"{CASE_PREFIX}done:{step.id}"),
                    Button(client_text(case.language, "step_help"), f"{CASE_PREFIX}help:{step.id}"),
                ]
            ]
            tell_client(session, case, "reminder_step", step=label, buttons=buttons)
            queued += 1
        if (
            step.due_on < today
            and case.facilitator is not None
            and _claim(session, PlanStep, step.id, "overdue_notified_on", step.due_on)
        ):
            holder = case.facilitator
            tell_staff(
                session,
                holder,
                "step_overdue",
                reference=case.reference,
                step=step_label(session, step, holder.ui_language),
                due=step.due_on.strftime("%d.%m.%Y"),
            )
            queued += 1
    cases = session.scalars(
        select(Case).where(Case.status == "open", Case.next_review_on == tomorrow)
    ).all()
    for case in cases:
        if not _claim(session, Case, case.id, "review_reminded_on", tomorrow):
            continue
        person = case.facilitator
        tell_client(session, case, "reminder_review", name=person.display_name if person else "")
        if person is not None:
            tell_staff(session, person, "review_tomorrow", reference=case.reference)
        queued += 2 if person is not None else 1
    return queued
