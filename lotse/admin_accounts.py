"""Personal admin accounts and their server-side sessions.

Every administrator has an account of their own (`lotse admin add`): an Argon2 hash of their
password, optionally a TOTP secret for a second factor from a standard authenticator app (RFC
6238, 30-second steps, one step of clock drift allowed). The audit log names the account.

A login makes a session row; the browser's cookie carries only a random token whose SHA-256 is
stored, so a copied database holds no usable session. Logout deletes the row, and a session ends
by itself after 8 hours or 30 minutes without a request, or when its account is deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lotse.db import Base, affected
from lotse.models import utcnow

SESSION_LIFETIME = timedelta(hours=8)
SESSION_IDLE = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 12
ISSUER = "Lotse admin"
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AdminAccount(Base):
    __tablename__ = "admin_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def __str__(self) -> str:
        return self.name


class AdminSession(Base):
    __tablename__ = "admin_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("admin_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AccountError(ValueError):
    """A bad name, a weak password: said to the operator on the command line."""


@dataclass(frozen=True)
class NewAccount:
    name: str
    totp_uri: str | None
    """otpauth:// URI for the authenticator app (shown once), when a second factor was asked."""


def normal_name(name: str) -> str:
    return " ".join(name.split())[:60]


def _find(session: Session, name: str) -> AdminAccount | None:
    wanted = normal_name(name).casefold()
    for account in session.scalars(select(AdminAccount)):
        if account.name.casefold() == wanted:
            return account
    return None


def add_account(session: Session, name: str, password: str, *, totp: bool = False) -> NewAccount:
    """Create an account, or set a new password (and reactivate) for an existing one."""
    name = normal_name(name)
    if not name:
        raise AccountError("the name is empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    account = _find(session, name)
    if account is None:
        account = AdminAccount(name=name, password_hash="")
        session.add(account)
    account.password_hash = _hasher.hash(password)
    account.active = True
    uri = None
    if totp:
        account.totp_secret = pyotp.random_base32()
        uri = pyotp.TOTP(account.totp_secret).provisioning_uri(name=name, issuer_name=ISSUER)
    session.flush()
    end_sessions(session, account.id)  # a new password ends every open session
    return NewAccount(name=account.name, totp_uri=uri)


def deactivate(session: Session, name: str) -> bool:
    account = _find(session, name)
    if account is None:
        return False
    account.active = False
    end_sessions(session, account.id)
    return True


def accounts(session: Session) -> list[AdminAccount]:
    return list(session.scalars(select(AdminAccount).order_by(AdminAccount.name)))


def any_active(session: Session) -> bool:
    return session.scalar(select(AdminAccount.id).where(AdminAccount.active).limit(1)) is not None


def check_login(session: Session, name: str, password: str, code: str) -> AdminAccount | None:
    """The account when name, password and (if the account has one) the current TOTP code fit.

    Slow on purpose (Argon2), and as slow for an unknown name as for a known one."""
    account = _find(session, name) if name else None
    stored = account.password_hash if account is not None and account.active else _DUMMY_HASH
    ok: bool
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None or not account.active:
        return None
    if account.totp_secret and not pyotp.TOTP(account.totp_secret).verify(
        code.replace(" ", ""), valid_window=1
    ):
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.last_login_at = utcnow()
    return account


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, account: AdminAccount) -> str:
    """A new session for the account; returns the token for the cookie (stored only hashed)."""
    token = secrets.token_urlsafe(32)
    session.add(AdminSession(token_hash=_digest(token), account_id=account.id))
    return token


def session_account(session: Session, token: str, now: datetime | None = None) -> str | None:
    """The name of the account a live session belongs to (and the session is touched), or None;
    an expired session is deleted on the way."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(AdminSession, _digest(token))
    if row is None:
        return None
    account = session.get(AdminAccount, row.account_id)
    created, seen = _aware(row.created_at), _aware(row.last_seen_at)
    if (
        account is None
        or not account.active
        or now - created > SESSION_LIFETIME
        or now - seen > SESSION_IDLE
    ):
        session.delete(row)
        session.flush()
        return None
    row.last_seen_at = now
    return account.name


def end_session(session: Session, token: str) -> None:
    if token:
        session.execute(delete(AdminSession).where(AdminSession.token_hash == _digest(token)))


def end_sessions(session: Session, account_id: int) -> None:
    session.execute(delete(AdminSession).where(AdminSession.account_id == account_id))


def purge_sessions(session: Session, now: datetime | None = None) -> int:
    """Delete sessions past their lifetime or idle limit (retention runs this)."""
    now = now or utcnow()
    return affected(
        session.execute(
            delete(AdminSession).where(
                (AdminSession.created_at < now - SESSION_LIFETIME)
                | (AdminSession.last_seen_at < now - SESSION_IDLE)
            )
        )
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
