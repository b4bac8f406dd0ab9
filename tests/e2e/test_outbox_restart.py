"""The gateway restarts while messages wait in the outbox: nothing is lost, nothing sent twice.

Runs the gateway alone (`python -m bot`, no Rasa needed for the outbox) against its own fake Bot
API, so it does not compete with the session's gateway for updates.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lotse import catalogue
from lotse.db import session_scope
from lotse.requests import callbacks, registry
from lotse.requests.models import OutboxMessage
from lotse.runtime import migrate
from tests.e2e.conftest import lotse_env, start_gateway, wait_for
from tests.e2e.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
DESK = -1_000_888
REQUESTS = 6


async def stop_gently(proc: subprocess.Popen[str]) -> None:
    """SIGTERM, then wait without blocking the event loop (the fake Bot API must keep answering
    the requests the stopping gateway still makes)."""
    proc.send_signal(signal.SIGTERM)
    await wait_for(lambda: proc.poll() is not None, 40, "the gateway to stop")


async def test_a_restart_mid_way_loses_and_repeats_nothing(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        env = lotse_env(fake, tmp_path, LOTSE_OUTBOX_INTERVAL_SECONDS="0.2")
        url = env["DATABASE_URL"]
        migrate.upgrade(url)
        with session_scope(url) as s:
            catalogue.import_path(s, catalogue.DEMO_PLACES)
            registry.save_desk(s, "Landkreis Lörrach", DESK)
            references = [
                callbacks.book(
                    s,
                    callbacks.Booking(
                        conversation_id=f"tg:{9000 + i}",
                        client_chat_id=9000 + i,
                        topic="work",
                        place="Lörrach",
                        language="de",
                        preferred_day=date(2026, 11, 24),
                        preferred_part="am",
                    ),
                ).reference
                for i in range(REQUESTS)
            ]
        fake.group(DESK, "Desk")
        fake.fail_next("sendMessage", 500, count=3)  # the first sends fail and back off
        log = tmp_path / "gateway.log"

        def delivered() -> list[str]:
            return [m["text"] for m in fake.messages(DESK)]

        first = start_gateway(env, log)
        try:
            await wait_for(lambda: len(delivered()) >= 2, 60, "the first desk posts", first, log)
        finally:
            await stop_gently(first)  # mid-way: some posts sent, some waiting for their retry
        assert len(delivered()) < REQUESTS, "the restart should happen mid-way"
        second = start_gateway(env, log)
        try:
            await wait_for(lambda: len(delivered()) >= REQUESTS, 60, "all desk posts", second, log)
            await asyncio.sleep(2)  # a duplicate would arrive now
        finally:
            await stop_gently(second)
        texts = delivered()
        assert len(texts) == REQUESTS
        assert sorted(r for r in references for t in texts if r in t) == sorted(references)
        with session_scope(url) as s:
            statuses = set(s.scalars(select(OutboxMessage.status)))
        assert statuses == {"sent"}
