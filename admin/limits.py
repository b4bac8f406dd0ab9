"""Request-size limits of the web admin: a body larger than its path allows is refused (413)
before it is read into memory or spooled to disk, whether it declares its length or not."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGIN_LIMIT = 16 * 1024
UPLOAD_LIMIT = 20 * 1024 * 1024
"""The catalogue import's own limit (admin/pages.py MAX_UPLOAD) plus the form's envelope."""
DEFAULT_LIMIT = 1024 * 1024


def limit_for(path: str) -> int:
    if path.rstrip("/").endswith("/login"):
        return LOGIN_LIMIT
    if path.rstrip("/").endswith("/catalogue"):
        return UPLOAD_LIMIT + 64 * 1024
    return DEFAULT_LIMIT


class _TooLarge(HTTPException):
    """Raised while the app reads the body: Starlette's exception middleware (also the mounted
    sqladmin app's own) answers it as a 413."""

    def __init__(self) -> None:
        super().__init__(413, "Die Anfrage ist zu groß.")


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _refuse(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    response = PlainTextResponse("Die Anfrage ist zu groß.", status_code=413)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
