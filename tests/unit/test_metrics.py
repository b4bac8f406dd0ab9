"""Health and metrics (issue 14, item 15): the database gauges counted on a real database, the
gateway's turn counters, and no personal data in any label."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete

from bot import metrics
from bot.conversation import Gateway
from bot.health_server import health_body, make_app
from bot.metrics import BacklogCollector
from bot.rasa_client import RasaUnavailable
from bot.replies import Chat
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.requests import outbox
from lotse.requests.models import CallbackRequest, OutboxMessage
from lotse.runtime.monitoring import Backlog, count_backlog

CHAT_ID = 4_711_0815
TEXT = "Ich suche eine Wohnung für meine Familie in Lörrach"


def sample(name: str, **labels: str) -> float:
    """A sample of the process's default registry (0 when it does not exist yet)."""
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


def request_row(status: str, created_minutes_ago: float, urgent: bool = False) -> CallbackRequest:
    return CallbackRequest(
        reference=f"R-{status[:2].upper()}{int(created_minutes_ago):03d}{int(urgent)}",
        conversation_id=f"tg:{CHAT_ID}",
        client_chat_id=CHAT_ID,
        topic="housing",
        place="Lörrach",
        region="Landkreis Lörrach",
        language="de",
        preferred_day=date(2026, 12, 7),
        preferred_part="am",
        urgent=urgent,
        status=status,
        created_at=utcnow() - timedelta(minutes=created_minutes_ago),
    )


@pytest.fixture()
def backlog_rows(db: str):
    """Outbox rows and callback requests in every state, removed again afterwards."""
    now = utcnow()
    with session_scope(db) as s:
        fresh = outbox.enqueue(s, CHAT_ID, "pending")
        retried = outbox.enqueue(s, CHAT_ID, "retrying")
        retried.attempts, retried.next_attempt_at = 2, now + timedelta(seconds=30)
        sending = outbox.enqueue(s, CHAT_ID, "being sent")
        sending.status, sending.attempts = "sending", 1
        sending.created_at = now - timedelta(minutes=3)
        for status in ("sent", "failed", "failed"):
            row = outbox.enqueue(s, CHAT_ID, status)
            row.status = status
        fresh.created_at = now - timedelta(seconds=5)
        s.add_all(
            [
                request_row("open", 45),
                request_row("open", 5, urgent=True),
                request_row("claimed", 90),
                request_row("closed", 300),
                request_row("cancelled", 10),
            ]
        )
    yield now
    with session_scope(db) as s:
        s.execute(delete(OutboxMessage))
        s.execute(delete(CallbackRequest))


def test_the_backlog_is_counted_by_state(db, backlog_rows) -> None:
    with session_scope(db) as s:
        backlog = count_backlog(s, now=backlog_rows)
    assert backlog.outbox_waiting == 3  # pending, retrying, being sent
    assert backlog.outbox_retrying == 1
    assert backlog.outbox_failed == 2
    assert 175 <= backlog.outbox_oldest_seconds <= 185  # the row being sent, 3 minutes old
    assert backlog.requests_open == 3  # two unclaimed, one claimed; closed and cancelled not
    assert backlog.requests_unclaimed == 2
    assert backlog.requests_unclaimed_urgent == 1
    assert 44 * 60 <= backlog.requests_oldest_unclaimed_seconds <= 46 * 60


def test_an_empty_backlog_is_zero_not_missing(db) -> None:
    with session_scope(db) as s:
        backlog = count_backlog(s)
    assert backlog == Backlog(0, 0, 0, 0.0, 0, 0, 0, 0.0)


def test_the_collector_reports_the_database_at_scrape_time(db, backlog_rows) -> None:
    registry = CollectorRegistry()

    def count() -> Backlog:
        with session_scope(db) as s:
            return count_backlog(s)

    registry.register(BacklogCollector(count))
    assert registry.get_sample_value("lotse_database_up") == 1
    assert registry.get_sample_value("lotse_callback_requests_open") == 3
    assert registry.get_sample_value("lotse_callback_requests_unclaimed") == 2
    assert registry.get_sample_value("lotse_callback_requests_unclaimed_urgent") == 1
    assert registry.get_sample_value("lotse_outbox_waiting") == 3
    assert registry.get_sample_value("lotse_outbox_retrying") == 1
    with session_scope(db) as s:  # a claim is seen at the next scrape, with no hook
        s.query(CallbackRequest).filter_by(status="open", urgent=True).update({"status": "claimed"})
    assert registry.get_sample_value("lotse_callback_requests_unclaimed") == 1
    assert registry.get_sample_value("lotse_callback_requests_open") == 3
    assert str(CHAT_ID) not in generate_latest(registry).decode()


def test_registering_runs_no_query_and_a_dead_database_reports_down() -> None:
    calls: list[int] = []

    def broken() -> Backlog:
        calls.append(1)
        raise OSError("connection refused")

    registry = CollectorRegistry()
    registry.register(BacklogCollector(broken))
    assert calls == []  # describe() names the gauges without counting
    text = generate_latest(registry).decode()
    assert calls == [1]  # one query per scrape
    assert "lotse_database_up 0.0" in text
    assert "lotse_outbox_waiting " not in text  # no stale or made-up numbers


def test_labels_come_only_from_fixed_sets() -> None:
    assert metrics.intent_label("ask_housing") == "ask_housing"
    assert metrics.intent_label("nlu_fallback") == "nlu_fallback"
    assert metrics.intent_label(TEXT) == "other"
    assert metrics.intent_label(str(CHAT_ID)) == "other"
    assert metrics.intent_label(None) == "none"
    assert metrics.language_label("uk") == "uk"
    assert metrics.language_label("Lörrach") == "other"
    assert metrics.component_of("bot.outbox_sender") == "bot.outbox_sender"
    assert metrics.component_of("telegram.ext.Application") == "telegram"


def test_errors_are_counted_by_component() -> None:
    logger = logging.getLogger("bot.metrics_test_errors")
    metrics.count_errors()
    metrics.count_errors()  # installed once
    before = sample("lotse_errors_total", component="bot.metrics_test_errors")
    logger.error("could not store %s for tg:%s", TEXT, CHAT_ID)
    logger.warning("not an error")
    after = sample("lotse_errors_total", component="bot.metrics_test_errors")
    assert after == before + 1


class ScriptedRasa:
    """Answers each turn with the next script entry: a list of bot messages, or an exception."""

    replicas = 2

    def __init__(self, *script: list[dict] | Exception, up: int = 2) -> None:
        self.script = list(script)
        self.up = up

    async def send(self, sender: str, message: str, metadata: dict) -> list[dict]:
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    async def reachable(self) -> int:
        return self.up


def facts(intent: str, language: str = "de") -> dict:
    return {"custom": {"lotse": {"language": language, "intent": intent}}}


async def test_a_turn_counts_its_intent_latency_and_fallback(db) -> None:
    rasa = ScriptedRasa(
        [facts("ask_housing"), {"text": "Wo wohnen Sie?"}],
        [facts("nlu_fallback", "uk"), {"text": "Ви мали на увазі…?"}],
        RasaUnavailable("connection refused"),
        [facts("greet", "en")],  # nothing to show: the gateway apologises
    )
    gateway = Gateway(rasa, privacy_notice=False)  # type: ignore[arg-type]
    chat = Chat(f"tg:{CHAT_ID}", "de")
    turns = sample("lotse_turns_total", intent="ask_housing", language="de")
    asked_back = sample("lotse_fallbacks_total", kind="asked_back")
    unavailable = sample("lotse_fallbacks_total", kind="rasa_unavailable")
    no_answer = sample("lotse_fallbacks_total", kind="no_answer")
    timed = sample("lotse_rasa_turn_seconds_count")
    for _ in range(4):
        assert await gateway.on_text(chat, TEXT)  # never silent
    assert sample("lotse_turns_total", intent="ask_housing", language="de") == turns + 1
    assert sample("lotse_fallbacks_total", kind="asked_back") == asked_back + 1
    assert sample("lotse_fallbacks_total", kind="rasa_unavailable") == unavailable + 1
    assert sample("lotse_fallbacks_total", kind="no_answer") == no_answer + 1
    assert sample("lotse_turns_total", intent="none", language="uk") >= 1  # the language kept
    assert sample("lotse_rasa_turn_seconds_count") == timed + 4  # failures are timed too


async def test_gateway_health_is_ok_degraded_or_down() -> None:
    async def up() -> bool:
        return True

    async def down() -> bool:
        return False

    assert await health_body(up, ScriptedRasa()) == (
        200,
        {"status": "ok", "database": "ok", "rasa": "ok"},
    )
    status, body = await health_body(up, ScriptedRasa(up=1))
    assert (status, body["status"], body["rasa"]) == (200, "degraded", "partial")
    status, body = await health_body(up, ScriptedRasa(up=0))
    assert (status, body["status"], body["rasa"]) == (200, "degraded", "down")
    status, body = await health_body(down, ScriptedRasa())
    assert (status, body["status"], body["database"]) == (503, "down", "down")


async def test_the_gateway_server_answers_health_and_metrics_over_http(db) -> None:
    registry = CollectorRegistry()
    registry.register(BacklogCollector(lambda: Backlog(2, 1, 0, 12.0, 1, 1, 0, 60.0)))
    async with TestClient(TestServer(make_app(ScriptedRasa(), registry))) as client:  # type: ignore[arg-type]
        health = await client.get("/health")
        assert health.status == 200
        assert await health.json() == {"status": "ok", "database": "ok", "rasa": "ok"}
        scraped = await client.get("/metrics")
        assert scraped.status == 200
        families = {f.name: f for f in text_string_to_metric_families(await scraped.text())}
    assert families["lotse_outbox_waiting"].samples[0].value == 2
    assert families["lotse_callback_requests_unclaimed"].samples[0].value == 1


def test_the_gateway_scrape_carries_no_personal_data(db) -> None:
    """After turns with a chat id and a text, no label value anywhere holds either."""
    from prometheus_client import REGISTRY

    metrics.count_turn(TEXT, f"tg:{CHAT_ID}")
    for family in text_string_to_metric_families(generate_latest(REGISTRY).decode()):
        for s in family.samples:
            for value in s.labels.values():
                assert str(CHAT_ID) not in value and "Wohnung" not in value, (s.name, s.labels)


async def test_the_action_server_tells_the_gateway_the_intent_it_read(db) -> None:
    from actions.slots import ValidateSlotMappings
    from tests.unit.test_actions import run, tracker

    metadata = {"chosen_language": None, "language_code": "de"}
    t = tracker(text="hmm", metadata=metadata, intent="nlu_fallback")
    dispatcher, _ = await run(ValidateSlotMappings(), t)
    (payload,) = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert payload["lotse"]["intent"] == "nlu_fallback"


def test_the_action_servers_label_is_a_registered_action_or_other() -> None:
    from types import SimpleNamespace

    from actions.metrics import action_label

    known = {"action_find_offers"}
    assert action_label(SimpleNamespace(json={"next_action": "action_find_offers"}), known) == (
        "action_find_offers"
    )
    for body in ({"next_action": f"tg:{CHAT_ID}"}, {"next_action": ["x"]}, None, {}):
        assert action_label(SimpleNamespace(json=body), known) == "other"  # type: ignore[arg-type]


def test_the_admin_answers_health_and_metrics_without_a_login(db, tmp_path) -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from admin.health import health_routes
    from lotse.settings import load_settings

    with TestClient(Starlette(routes=health_routes(load_settings()))) as client:
        health = client.get("/health")
        assert (health.status_code, health.json()) == (200, {"status": "ok", "database": "ok"})
        scraped = client.get("/metrics")
        assert scraped.status_code == 200 and "python_gc_objects_collected_total" in scraped.text
    blocked = tmp_path / "file"
    blocked.write_text("")  # a "directory" that is a file: the database cannot be opened
    broken = load_settings().__class__(database_url=f"sqlite:///{blocked}/lotse.db")
    with TestClient(Starlette(routes=health_routes(broken))) as client:
        health = client.get("/health")
        assert (health.status_code, health.json()["status"]) == (503, "down")


async def test_a_taken_metrics_port_is_logged_and_the_gateway_goes_on(caplog) -> None:
    import socket

    from bot import health_server
    from lotse.settings import Settings

    assert await health_server.start(Settings(metrics_port=0), ScriptedRasa()) is None  # type: ignore[arg-type]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.ERROR):
            runner = await health_server.start(Settings(metrics_port=port), ScriptedRasa())  # type: ignore[arg-type]
    assert runner is None
    assert f"cannot listen on 127.0.0.1:{port}" in caplog.text
