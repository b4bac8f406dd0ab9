"""Erasing case work: on `/delete` (the facilitator is told, without content), and retention
(a closed case after the retention period, an unanswered consent question after a week, used or
expired workspace links and idle workspace sessions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from lotse.cases.cases import tell_staff
from lotse.cases.models import (
    AssessmentField,
    Case,
    CaseEvent,
    CaseRequest,
    PlanGoal,
    PlanStep,
    PlanVersion,
    WorkspaceLogin,
    WorkspaceSession,
)
from lotse.db import affected

UNANSWERED_PROPOSAL = timedelta(days=7)
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=8)
CHILDREN = (AssessmentField, CaseEvent, CaseRequest, PlanGoal, PlanStep, PlanVersion)


def _delete_cases(session: Session, ids: list[int]) -> int:
    if not ids:
        return 0
    for table in CHILDREN:
        session.execute(delete(table).where(table.case_id.in_(ids)))
    return affected(session.execute(delete(Case).where(Case.id.in_(ids))))


def erase_cases(session: Session, conversation_id: str) -> int:
    """Every case of the conversation with its assessment, plan, versions and history. The
    responsible facilitator of an open case learns only its reference."""
    cases = list(session.scalars(select(Case).where(Case.conversation_id == conversation_id)))
    for case in cases:
        if case.status == "open" and case.facilitator is not None:
            tell_staff(session, case.facilitator, "case_erased", reference=case.reference)
    return _delete_cases(session, [c.id for c in cases])


def purge_cases(session: Session, now: datetime, days: int) -> int:
    """Closed cases past retention, unanswered proposals, ended workspace logins and sessions."""
    closed_before = now - timedelta(days=days)
    ids = list(
        session.scalars(
            select(Case.id).where(
                or_(
                    (Case.status == "closed") & (Case.closed_at < closed_before),
                    (Case.status == "proposed") & (Case.created_at < now - UNANSWERED_PROPOSAL),
                )
            )
        )
    )
    removed = _delete_cases(session, ids)
    session.execute(
        delete(WorkspaceLogin).where(
            or_(WorkspaceLogin.expires_at < now, WorkspaceLogin.used_at.is_not(None))
        )
    )
    session.execute(
        delete(WorkspaceSession).where(
            or_(
                WorkspaceSession.last_seen_at < now - SESSION_IDLE,
                WorkspaceSession.created_at < now - SESSION_MAX,
            )
        )
    )
    return removed
