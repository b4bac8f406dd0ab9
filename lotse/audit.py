"""The audit log: who changed what in the admin, when, with the value before and after.

The admin sets the acting user for its request (`acting_as`); a `before_flush` hook then records
every insert, update and delete of the session with per-field before/after values — a deleted row
with all its values — (in
`after_flush`, when new rows have their ids and attribute histories are still intact). Changes made
without an actor (imports on the command line, the bot itself) are not audited here.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from lotse.db import Base
from lotse.models import utcnow

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("lotse_actor", default=None)
SECRET_FIELDS = {"phone", "pending_phone", "note", "password_hash", "totp_secret", "token_hash"}
"""Personal data that must not be copied into the log (only that it changed)."""
SECRET_BY_TABLE = {"partner_contact": {"name", "email", "substitute"}}
"""Staff's personal data (lotse/catalogue/contacts.py): the log tells who changed a contact when,
and a removed contact is gone from the log too."""


def _secret(obj: Any, key: str) -> bool:
    if key in SECRET_FIELDS or key in SECRET_BY_TABLE.get(obj.__tablename__, ()):
        return True
    # a partner's correction of a contact person (no offer) carries staff's data too
    return obj.__tablename__ == "partner_correction" and key == "changes" and not obj.service_id


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(16))
    table: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(120))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """{field: [before, after]}"""


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict | str | int | float | bool) or value is None:
        return value
    return str(value)


def _changes(obj: Any, created: bool) -> dict[str, list[Any]]:
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not created and not history.has_changes():
            continue
        unchanged = history.unchanged[0] if history.unchanged else None
        before = history.deleted[0] if history.deleted else (None if created else unchanged)
        after = history.added[0] if history.added else unchanged
        if created and after is None:
            continue
        if _secret(obj, attr.key):
            before, after = ("…" if before else None), ("…" if after else None)
        out[attr.key] = [_plain(before), _plain(after)]
    return out


def _row(obj: Any) -> dict[str, list[Any]]:
    """A deleted row as it was, so a delete in the admin can be undone by hand."""
    out: dict[str, list[Any]] = {}
    for attr in inspect(obj).mapper.column_attrs:
        value = getattr(obj, attr.key)
        if _secret(obj, attr.key):
            value = "…" if value else None
        out[attr.key] = [_plain(value), None]
    return out


def _record(session: Session, _context: object) -> None:
    actor = _actor.get()
    if actor is None:
        return
    entries = []
    pending = (("create", session.new), ("update", session.dirty), ("delete", session.deleted))
    for action, objects in pending:
        for obj in objects:
            if isinstance(obj, AuditLog):
                continue
            changes = _changes(obj, created=action == "create") if action != "delete" else _row(obj)
            if action == "update" and not changes:
                continue
            identity = inspect(obj).identity
            row_id = ",".join(map(str, identity)) if identity else ""
            entries.append(
                AuditLog(
                    actor=actor,
                    action=action,
                    table=obj.__tablename__,
                    row_id=row_id,
                    changes=changes,
                )
            )
    session.add_all(entries)


event.listen(Session, "after_flush", _record)  # ids are assigned, histories still intact
