"""Short tokens for button payloads (see `ButtonPayload` for why)."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.models import ButtonPayload


def issue_token(session: Session, conversation_id: str, title: str, payload: str) -> str:
    """Store `payload` and return a random token (16 URL-safe characters) that stands for it."""
    token = secrets.token_urlsafe(12)
    session.add(
        ButtonPayload(token=token, conversation_id=conversation_id, title=title, payload=payload)
    )
    return token


def redeem_token(session: Session, conversation_id: str, token: str) -> ButtonPayload | None:
    """The stored button, or None for a forged, foreign or expired token."""
    if not token or len(token) > 24:
        return None
    return session.scalar(
        select(ButtonPayload).where(
            ButtonPayload.token == token, ButtonPayload.conversation_id == conversation_id
        )
    )
