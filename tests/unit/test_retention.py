"""Retention reaches Rasa's trackers (issue 14, item 2), with a controllable clock: a SQL
tracker store's events are deleted with the conversation; when a tracker cannot be erased now,
the conversation's rows stay for the next run. (Rasa's in-memory store, through its real API:
tests/e2e/test_privacy.py::test_retention_erases_the_tracker_in_rasas_memory.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from bot import retention
from bot.rasa_client import RasaClient
from lotse import conversations, privacy
from lotse.db import session_scope
from lotse.models import ConversationSettings, utcnow
from lotse.settings import load_settings
from tests.unit.test_rasa_replicas import closed_port


def tracker_store(tmp_path: Path) -> str:
    """A SQL tracker store shaped like Rasa's (its `events` table)."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    with create_engine(url).begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp REAL, data TEXT)"
            )
        )
        for sender in ("tg:1", "tg:2"):
            conn.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES (:s, 'user', :t, :d)"
                ),
                {"s": sender, "t": utcnow().timestamp(), "d": '{"text": "ich suche eine wohnung"}'},
            )
    return url


def events_of(url: str, sender: str) -> int:
    with create_engine(url).connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalar()


async def test_an_unconsented_conversation_leaves_the_sql_tracker_store_after_a_day(
    db, tmp_path
) -> None:
    store = tracker_store(tmp_path)
    with session_scope(db) as s:
        conversations.choose_language(s, "tg:1", "de")  # no consent
        conversations.choose_language(s, "tg:2", "de")
        privacy.give_consent(s, "tg:2")
    settings = replace(load_settings(), tracker_store_url=store)
    done = await retention.purge(
        settings, RasaClient("http://127.0.0.1:1"), utcnow() + timedelta(days=2)
    )
    assert done["trackers"] == 1 and done["conversations"] == 1
    assert events_of(store, "tg:1") == 0  # the person's words are gone from Rasa's store too
    assert events_of(store, "tg:2") == 1  # consent given: kept for the retention period
    with session_scope(db) as s:
        assert s.get(ConversationSettings, "tg:1") is None


async def test_a_tracker_that_cannot_be_erased_keeps_its_rows_for_the_next_run(db) -> None:
    with session_scope(db) as s:
        conversations.choose_language(s, "tg:3", "de")
    settings = replace(load_settings(), tracker_store_url="")  # Rasa's memory, but Rasa is down
    rasa = RasaClient(f"http://127.0.0.1:{closed_port()}")
    done = await retention.purge(settings, rasa, utcnow() + timedelta(days=2))
    await rasa.close()
    assert done["trackers"] == 0 and done["conversations"] == 0
    with session_scope(db) as s:
        assert s.get(ConversationSettings, "tg:3") is not None
