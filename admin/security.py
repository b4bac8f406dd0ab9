"""Login, sessions and request checks of the web admin.

The password comes from ADMIN_PASSWORD and is kept only as an Argon2 hash; sessions are signed
cookies that expire (8 hours) and are sent only to this site (SameSite=Strict); a form posted from
another origin is refused (Origin/Referer check, OWASP's CSRF defence for cookie sessions);
failed logins are limited per address. The name typed at login is who the audit log records.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqladmin.authentication import AuthenticationBackend
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from lotse.audit import acting_as

SESSION_SECONDS = 8 * 3600
MAX_FAILURES = 5
FAILURE_WINDOW = 300.0
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class PasswordLogin(AuthenticationBackend):
    def __init__(self, password: str, secret_key: str | None = None) -> None:
        super().__init__(
            secret_key=secret_key or secrets.token_urlsafe(32),
            max_age=SESSION_SECONDS,
            same_site="strict",
            session_cookie="lotse_admin",
        )
        self._hasher = PasswordHasher()
        self._hash = self._hasher.hash(password) if password else None
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _blocked(self, address: str) -> bool:
        now = time.monotonic()
        recent = self._failures[address]
        while recent and now - recent[0] > FAILURE_WINDOW:
            recent.popleft()
        return len(recent) >= MAX_FAILURES

    async def login(self, request: Request) -> bool | Response:
        address = request.client.host if request.client else "?"
        if self._blocked(address):
            return PlainTextResponse(
                "Zu viele falsche Versuche. Bitte warten Sie fünf Minuten.", status_code=429
            )
        form = await request.form()
        name = str(form.get("username") or "").strip()[:60]
        password = str(form.get("password") or "")
        try:
            ok = bool(self._hash and name and self._hasher.verify(self._hash, password))
        except VerificationError:
            ok = False
        if not ok:
            self._failures[address].append(time.monotonic())
            return False
        request.session.clear()
        request.session.update({"user": name, "since": int(time.time())})
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        return bool(request.session.get("user"))

    async def get_user_id(self, request: Request) -> str | None:
        return request.session.get("user")


class SameOriginAndActor:
    """Refuses state-changing requests from other origins, and names the acting admin for the
    audit log (lotse/audit.py) while the request runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
        user = scope.get("session", {}).get("user") if "session" in scope else None
        if user:
            with acting_as(str(user)):
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _same_origin(request: Request) -> bool:
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return False
    host = request.headers.get("host", "")
    return urlsplit(source).netloc == host
