"""The admin's `GET /health` and `GET /metrics`, outside `/admin` and its login.

/health: 200 {"status": "ok"} when the database answers, 503 {"status": "down"} otherwise.
/metrics: the process's own figures (memory, CPU, garbage collection); the database gauges are
the gateway's (bot/metrics.py), which runs always. Neither names a person; a TLS proxy in front
of the admin forwards `/admin/` only (docs/security.md).
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lotse.db import session_scope
from lotse.runtime.monitoring import ping
from lotse.settings import Settings

log = logging.getLogger(__name__)
CHECK_SECONDS = 5.0


def health_routes(settings: Settings) -> list[Route]:
    url = settings.database_url

    def database_answers() -> None:
        with session_scope(url) as session:
            ping(session)

    async def health(_request: Request) -> JSONResponse:
        try:
            await asyncio.wait_for(asyncio.to_thread(database_answers), CHECK_SECONDS)
        except Exception as exc:
            log.warning("health: the database does not answer: %s", type(exc).__name__)
            return JSONResponse({"status": "down", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    async def metrics(_request: Request) -> Response:
        body = await asyncio.to_thread(generate_latest, REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [Route("/health", health), Route("/metrics", metrics)]
