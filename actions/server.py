"""The action server: rasa-sdk's own, listening only where Rasa reaches it and answering only
requests that carry the shared service token.

Without this, anyone who reaches the port can run `action_submit_callback` for any chat. Rasa
sends the token as the `token` query parameter (`action_endpoint.token` in endpoints.yml, from
LOTSE_SERVICE_TOKEN); `/health` stays open for the supervisor's readiness check, and `/metrics`
for Prometheus (counts and timings by action name only: actions/metrics.py). The interface is
LOTSE_ACTION_SERVER_HOST (default 127.0.0.1; rasa-sdk reads it as SANIC_HOST).
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from rasa_sdk import endpoint
from sanic import Request, response
from sanic.response import HTTPResponse

from actions import metrics

TOKEN_ENV = "LOTSE_SERVICE_TOKEN"
OPEN_PATHS = frozenset({"/health", "/metrics"})
_RASA_SDK_FACTORY = endpoint.create_app_for_serve  # taken before main() puts ours in its place


def token_matches(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def create_app_with_token(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    """rasa-sdk's app with the token check in front (module-level: Sanic pickles the factory
    for its worker process)."""
    app = _RASA_SDK_FACTORY(*args, **kwargs)
    executor = args[0] if args else kwargs.get("action_executor")
    metrics.install(app, getattr(executor, "actions", {}))  # before the check: 401s count too
    expected = os.environ.get(TOKEN_ENV, "")

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if token_matches(request.args.get("token", ""), expected):
            return None
        return response.json({"error": "a valid token is required"}, status=401)

    app.register_middleware(require_token, "request")
    return app


def main() -> None:
    if not os.environ.get(TOKEN_ENV):
        raise SystemExit(f"{TOKEN_ENV} must be set: the action server answers only Rasa")
    os.environ["SANIC_HOST"] = os.environ.get("LOTSE_ACTION_SERVER_HOST", "127.0.0.1")
    endpoint.create_app_for_serve = create_app_with_token  # rasa-sdk's run() builds the app
    from rasa_sdk.__main__ import main as rasa_sdk_main

    rasa_sdk_main()
