"""The action server's Prometheus metrics and its `GET /metrics`.

Calls from Rasa by action and HTTP status, and their duration. The action label is a registered
action's name (a fixed set) or "other"; nothing from a tracker (chat id, text, place) becomes a
label. /metrics is open like /health (actions/server.py): counts and timings only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Container
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse, HTTPResponse, raw

OTHER = "other"
CALLS = Counter(
    "lotse_action_calls", "Action calls from Rasa, by action and HTTP status", ["action", "status"]
)
SECONDS = Histogram(
    "lotse_action_seconds",
    "Time the action server took to run an action",
    ["action"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def action_label(request: Request, known: Container[str]) -> str:
    """The called action's name if it is a registered action, else "other"."""
    try:
        name = (request.json or {}).get("next_action")
    except Exception:  # not JSON (refused anyway): no name to read
        return OTHER
    return name if isinstance(name, str) and name in known else OTHER


def install(app: Sanic[Any, Any], known: Container[str]) -> None:
    """Time and count /webhook calls; serve /metrics. Before the token check, so refused calls
    (401) are counted too."""

    async def started(request: Request) -> None:
        request.ctx.lotse_started = time.perf_counter()

    async def finished(request: Request, response: BaseHTTPResponse) -> None:
        if request.path != "/webhook":
            return
        refused = response.status == 401  # no token: its body is not worth reading
        action = OTHER if refused else action_label(request, known)
        CALLS.labels(action, str(response.status)).inc()
        begun = getattr(request.ctx, "lotse_started", None)
        if begun is not None and response.status == 200:
            SECONDS.labels(action).observe(time.perf_counter() - begun)

    async def metrics(_request: Request) -> HTTPResponse:
        body = await asyncio.to_thread(generate_latest, REGISTRY)
        return raw(body, content_type=CONTENT_TYPE_LATEST)

    app.register_middleware(started, "request", priority=100)
    app.register_middleware(finished, "response")
    app.add_route(metrics, "/metrics", methods=["GET"])
