"""Who may open the facilitators' web workspace, and the record of every look and change.

`/web` in the bot gives a registered facilitator a one-time link valid five minutes; the
workspace exchanges it for a session (8 hours, 30 idle minutes). Only SHA-256 hashes of links and
session tokens are stored, so a copy of the database opens nothing. Every view and change of a
case is written to the audit log with the facilitator, the case and the fields — never a value.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from lotse.audit import AuditLog
from lotse.cases.models import WorkspaceLogin, WorkspaceSession
from lotse.cases.privacy import SESSION_IDLE, SESSION_MAX
from lotse.db import affected
from lotse.models import utcnow
from lotse.requests.models import Facilitator

LINK_VALID = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime, now: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


def new_login_link(session: Session, person: Facilitator, now: datetime | None = None) -> str:
    """A fresh one-time token for `person` (the caller puts it into a URL)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        WorkspaceLogin(
            token_hash=_hash(token), facilitator_id=person.id, expires_at=now + LINK_VALID
        )
    )
    session.flush()
    return token


def redeem_login_link(session: Session, token: str, now: datetime | None = None) -> str | None:
    """A session token for a valid, unused link of an active facilitator, else None. The link
    is spent by one conditional UPDATE: of two tabs opening it, one gets a session."""
    now = now or utcnow()
    login = session.get(WorkspaceLogin, _hash(token))
    if login is None or login.used_at is not None or _aware(login.expires_at, now) < now:
        return None
    spent = affected(
        session.execute(
            update(WorkspaceLogin)
            .where(WorkspaceLogin.token_hash == login.token_hash, WorkspaceLogin.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    person = session.get(Facilitator, login.facilitator_id)
    if not spent or person is None or not person.active:
        return None
    session_token = secrets.token_urlsafe(32)
    session.add(
        WorkspaceSession(
            token_hash=_hash(session_token),
            facilitator_id=person.id,
            created_at=now,
            last_seen_at=now,
        )
    )
    audit(session, person, "login", "workspace", "")
    return session_token


def facilitator_of_session(
    session: Session, token: str | None, now: datetime | None = None
) -> Facilitator | None:
    """The active facilitator of a live session (and the session kept alive), else None."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(WorkspaceSession, _hash(token))
    if row is None:
        return None
    if (
        _aware(row.last_seen_at, now) < now - SESSION_IDLE
        or _aware(row.created_at, now) < now - SESSION_MAX
    ):
        session.delete(row)
        return None
    person = session.get(Facilitator, row.facilitator_id)
    if person is None or not person.active:
        return None
    row.last_seen_at = now
    return person


def end_session(session: Session, token: str | None) -> None:
    if token:
        row = session.get(WorkspaceSession, _hash(token))
        if row is not None:
            session.delete(row)


def audit(
    session: Session,
    person: Facilitator,
    action: str,
    table: str,
    row_id: str,
    fields: list[str] | None = None,
) -> None:
    """`action`: view, create, update, delete, login, refused; fields by name, never values."""
    session.add(
        AuditLog(
            actor=f"facilitator:{person.id}:{person.display_name}",
            action=action[:16],
            table=table,
            row_id=row_id,
            changes={name: ["…", "…"] for name in fields or []},
        )
    )
