"""Login, sessions and request checks of the web admin.

Every administrator logs in with a personal account (lotse/admin_accounts.py): password, and a
TOTP code when the account has a second factor. Argon2 runs in worker threads, at most two at a
time, so logins never stall the pages of others. The cookie (SameSite=Strict, Secure behind TLS)
carries only a session token; the session lives in the database, so logout and expiry end it.
Failed logins are limited per account and per address (the address is the socket's, or the one
a configured proxy reports: admin/__main__.py). A form posted from another origin is refused
(Origin/Referer check, OWASP's CSRF defence for cookie sessions).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import anyio
from sqladmin.authentication import AuthenticationBackend
from sqlalchemy.orm import Session
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from lotse import admin_accounts
from lotse.audit import acting_as
from lotse.db import session_scope

T = TypeVar("T")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FAILURE_WINDOW = 900.0
MAX_FAILURES_PER_ACCOUNT = 5
"""Wrong tries on one account (from anywhere) before it waits: guessing one password is slow."""
MAX_FAILURES_PER_ADDRESS = 30
"""Wrong tries from one address: high enough that colleagues behind one proxy do not lock
each other out, low enough to stop a sweep over many names."""
MAX_WAITING_LOGINS = 16
ACTOR_KEY = "lotse.admin_account"


class FailureCounter:
    """Failed attempts per key within a sliding window."""

    def __init__(self, limit: int, window: float = FAILURE_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, key: str) -> bool:
        recent, now = self._seen[key], time.monotonic()
        while recent and now - recent[0] > self.window:
            recent.popleft()
        if not recent:
            self._seen.pop(key, None)
        return len(recent) >= self.limit

    def fail(self, key: str) -> None:
        self._seen[key].append(time.monotonic())


class AccountLogin(AuthenticationBackend):
    def __init__(self, database_url: str, *, secure_cookie: bool = False) -> None:
        super().__init__(
            secret_key=secrets.token_urlsafe(32),
            max_age=int(admin_accounts.SESSION_LIFETIME.total_seconds()),
            same_site="strict",
            https_only=secure_cookie,
            session_cookie="lotse_admin",
        )
        self.database_url = database_url
        self.per_account = FailureCounter(MAX_FAILURES_PER_ACCOUNT)
        self.per_address = FailureCounter(MAX_FAILURES_PER_ADDRESS)
        self._argon2 = anyio.CapacityLimiter(2)
        self._waiting = 0
        self.middlewares.append(Middleware(SameOriginAndActor, login=self))

    async def run(self, work: Callable[[Session], T]) -> T:
        """Database work for a request, in a worker thread."""

        def go() -> T:
            with session_scope(self.database_url) as session:
                return work(session)

        return await asyncio.to_thread(go)

    async def login(self, request: Request) -> bool | Response:
        address = request.client.host if request.client else "?"
        form = await request.form()
        name = admin_accounts.normal_name(str(form.get("username") or ""))
        password = str(form.get("password") or "")[:1024]
        code = str(form.get("code") or "")[:12]
        account_key = name.casefold()
        if self.per_address.blocked(address) or self.per_account.blocked(account_key):
            return PlainTextResponse(
                "Zu viele falsche Versuche. Bitte warten Sie 15 Minuten.", status_code=429
            )
        if self._waiting >= MAX_WAITING_LOGINS:
            return PlainTextResponse("Gerade zu viele Anmeldungen. Bitte gleich noch einmal.", 503)
        self._waiting += 1
        try:
            token = await anyio.to_thread.run_sync(
                self._check, name, password, code, limiter=self._argon2
            )
        finally:
            self._waiting -= 1
        if token is None:
            self.per_address.fail(address)
            self.per_account.fail(account_key)
            return False
        request.session.clear()
        request.session["token"] = token
        return True

    def _check(self, name: str, password: str, code: str) -> str | None:
        """In a worker thread: Argon2, TOTP, and the new session's token on success."""
        with session_scope(self.database_url) as session:
            account = admin_accounts.check_login(session, name, password, code)
            return admin_accounts.start_session(session, account) if account else None

    async def logout(self, request: Request) -> bool:
        token = str(request.session.get("token") or "")
        await self.run(lambda s: admin_accounts.end_session(s, token))
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        return bool(request.scope.get(ACTOR_KEY))

    async def get_user_id(self, request: Request) -> str | None:
        return request.scope.get(ACTOR_KEY)


class SameOriginAndActor:
    """Inside the session middleware: refuses state-changing requests from other origins, finds
    the account of the request's session (one query), and names it as the acting admin for the
    audit log (lotse/audit.py) while the request runs."""

    def __init__(self, app: ASGIApp, login: AccountLogin) -> None:
        self.app, self.login = app, login

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if request.method in UNSAFE and not _same_origin(request):
            await PlainTextResponse("Anfrage von fremder Seite abgelehnt.", status_code=403)(
                scope, receive, send
            )
            return
        token = str(scope.get("session", {}).get("token") or "")
        name = (
            await self.login.run(lambda s: admin_accounts.session_account(s, token))
            if token
            else None
        )
        if not name:
            if token:
                scope["session"].clear()  # ended or expired: the cookie goes too
            await self.app(scope, receive, send)
            return
        scope[ACTOR_KEY] = name
        with acting_as(name):
            await self.app(scope, receive, send)


def _same_origin(request: Request) -> bool:
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return False
    host = request.headers.get("host", "")
    return urlsplit(source).netloc == host
