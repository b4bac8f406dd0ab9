"""The gateway's own small HTTP server for `GET /health` and `GET /metrics`, on loopback.

In polling mode the gateway has no HTTP server, and in webhook mode PTB's server takes no extra
routes; so in both modes this one listens on LOTSE_METRICS_HOST:LOTSE_METRICS_PORT (default
127.0.0.1:9470; 0 turns it off). Neither answer names a person (see bot/metrics.py).

/health: 200 {"status": "ok"} when the database and Rasa answer; 200 "degraded" when only Rasa
does not (the gateway still answers, with the emergency numbers and a callback request);
503 "down" when the database does not (nothing can be stored or sent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from prometheus_client.registry import CollectorRegistry

from bot.metrics import BacklogCollector, count_errors
from bot.rasa_client import RasaClient
from lotse.db import in_session, session_scope
from lotse.runtime.monitoring import Backlog, count_backlog, ping
from lotse.settings import Settings

log = logging.getLogger(__name__)
CHECK_SECONDS = 5.0
"""A check that takes longer counts as failed (a hung database must not hang the probe)."""

_collector: BacklogCollector | None = None


async def database_answers() -> bool:
    try:
        await asyncio.wait_for(in_session(ping), CHECK_SECONDS)
        return True
    except Exception as exc:
        log.warning("health: the database does not answer: %s", type(exc).__name__)
        return False


def rasa_state(up: int, replicas: int) -> str:
    return "ok" if up == replicas else "down" if up == 0 else "partial"


async def health_body(
    database: Callable[[], Awaitable[bool]], rasa: RasaClient
) -> tuple[int, dict[str, str]]:
    """(HTTP status, JSON body) of the gateway's health."""
    database_ok, rasa_up = await asyncio.gather(database(), rasa.reachable())
    body = {
        "status": "ok",
        "database": "ok" if database_ok else "down",
        "rasa": rasa_state(rasa_up, rasa.replicas),
    }
    if not database_ok:
        body["status"] = "down"
        return 503, body
    if body["rasa"] != "ok":
        body["status"] = "degraded"
    return 200, body


def make_app(rasa: RasaClient, registry: CollectorRegistry = REGISTRY) -> web.Application:
    async def health(_request: web.Request) -> web.Response:
        status, body = await health_body(database_answers, rasa)
        return web.json_response(body, status=status)

    async def metrics(_request: web.Request) -> web.Response:
        # the backlog collector queries the database: not on the event loop
        data = await asyncio.to_thread(generate_latest, registry)
        return web.Response(body=data, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    return app


def register_backlog(registry: CollectorRegistry = REGISTRY) -> None:
    """The database gauges, once per process (the default registry refuses duplicates)."""
    global _collector
    if _collector is None:
        _collector = BacklogCollector(_count_now)
        registry.register(_collector)


def _count_now() -> Backlog:
    with session_scope() as session:
        return count_backlog(session)


async def start(settings: Settings, rasa: RasaClient) -> web.AppRunner | None:
    """Serve /health and /metrics; None when turned off or the port cannot be had (logged:
    metrics are not worth stopping the bot for)."""
    if not settings.metrics_port:
        return None
    runner = web.AppRunner(make_app(rasa), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
    except OSError as exc:
        log.error(
            "health and metrics: cannot listen on %s:%s (%s); set LOTSE_METRICS_PORT",
            settings.metrics_host,
            settings.metrics_port,
            exc.strerror or type(exc).__name__,
        )
        await runner.cleanup()
        return None
    count_errors()
    register_backlog()
    log.info(
        "health and metrics on http://%s:%s/health and /metrics",
        settings.metrics_host,
        settings.metrics_port,
    )
    return runner
