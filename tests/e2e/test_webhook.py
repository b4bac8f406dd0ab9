"""Webhook mode: Telegram's secret_token header is checked before an update is processed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import free_port, lotse_env, migrate_database, ready_gateway, stop
from tests.e2e.fake_protocol import message_update
from tests.e2e.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
SECRET = "s3cr3t-for-the-webhook_test"


async def test_updates_without_the_secret_are_refused(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        port = free_port()
        env = lotse_env(
            fake,
            tmp_path,
            TELEGRAM_WEBHOOK_URL="https://lotse.example.org/telegram",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            LOTSE_WEBHOOK_PORT=str(port),
        )
        migrate_database(env)
        log = tmp_path / "gateway.log"
        gateway = await ready_gateway(env, log)
        user = fake.user(424242, first_name="Web", language_code="en")
        url = f"http://127.0.0.1:{port}/telegram"
        try:
            assert fake.webhook["url"] == "https://lotse.example.org/telegram"
            assert fake.webhook["secret_token"] == SECRET
            async with httpx.AsyncClient(timeout=10) as http:
                missing = await http.post(url, json=message_update(user.user, 1, "/help"))
                wrong = await http.post(
                    url,
                    json=message_update(user.user, 2, "/help"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
                )
                assert (missing.status_code, wrong.status_code) == (403, 403)
                await asyncio.sleep(1)
                assert user.unread == []  # neither was processed
                right = await http.post(
                    url,
                    json=message_update(user.user, 3, "/help"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert right.status_code == 200
            reply = await user.wait_for_reply(timeout=15)
            assert reply["text"].startswith("I'm Lotse.")
        finally:
            stop(gateway)
        assert SECRET not in log.read_text() and fake.token not in log.read_text()
