"""The scale-out deployment as started by scripts/scaleout-up (deploy/Procfile under honcho):
two Rasa replicas sharing PostgreSQL's tracker store and Redis's lock store, one action server,
two webhook workers behind Debian's nginx. Conversations arrive as Telegram webhook posts at
nginx, alternate between the workers, and carry on across them.

Runs in `make test-scaleout`, which provides PostgreSQL and Redis."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.rasa_client import RasaClient
from tests.conftest import project_root
from tests.e2e.conftest import require_model, wait_for
from tests.e2e.fake_protocol import message_update
from tests.e2e.fake_telegram import FakeTelegram

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (os.environ.get("LOTSE_TEST_POSTGRES") and os.environ.get("REDIS_URL")),
        reason="needs PostgreSQL and Redis (make test-scaleout)",
    ),
]
SECRET = "deployment-test_secret"
OFFSETS = (0, 1, 100, 200, 201, 300)  # honcho's ports: rasa ×2, actions, gateway ×2, nginx


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def base_port() -> int:
    while True:
        base = random.randrange(20000, 40000, 10)
        if all(_free(base + o) for o in OFFSETS) and _free(base + 5000):
            return base


def fresh_database(admin_url: str, name: str) -> str:
    out = subprocess.run(
        [".venv/bin/python", "scripts/create-database.py", admin_url, name],
        cwd=project_root(),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


SERVICE_TOKEN = "deployment-test-token"


def rasa_ready(url: str) -> bool:
    try:
        status = httpx.get(f"{url}/status", params={"token": SERVICE_TOKEN}, timeout=2)
        return "model_file" in status.text
    except httpx.HTTPError:
        return False


async def test_conversations_cross_workers_and_replicas(tmp_path: Path) -> None:
    require_model()
    admin = os.environ["LOTSE_TEST_POSTGRES"]
    tracker_url = fresh_database(admin, "lotse_deploy_tracker")
    base = base_port()
    public = base + 5000
    rasa_urls = [f"http://127.0.0.1:{base}", f"http://127.0.0.1:{base + 1}"]
    async with FakeTelegram() as fake:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("RASA_", "ACTION_"))},
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "TELEGRAM_WEBHOOK_URL": "https://lotse.example.org/telegram",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "DATABASE_URL": fresh_database(admin, "lotse_deploy_app"),
            "LOTSE_TRACKER_STORE_URL": tracker_url,
            "LOTSE_VAR_DIR": str(tmp_path / "deploy"),
            "LOTSE_DEPLOY_BASE_PORT": str(base),
            "LOTSE_PUBLIC_PORT": str(public),
            "LOTSE_RASA_REPLICAS": "2",
            "LOTSE_GATEWAY_WORKERS": "2",
            "LOTSE_SERVICE_TOKEN": SERVICE_TOKEN,
        }
        log = tmp_path / "honcho.log"
        proc = subprocess.Popen(
            ["scripts/scaleout-up"],
            cwd=project_root(),
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            await wait_for(
                lambda: log.read_text(errors="replace").count("Lotse gateway ready") == 2,
                420,
                "two gateway workers",
                proc,
                log,
            )
            await wait_for(lambda: all(rasa_ready(u) for u in rasa_urls), 420, "Rasa", proc, log)
            assert fake.webhook and fake.webhook["secret_token"] == SECRET

            routing = RasaClient(",".join(rasa_urls))
            users = [fake.user(7_100_000 + n, language_code="de") for n in range(6)]
            first_replicas = {routing.replicas_for(f"tg:{u.id}")[0] for u in users}
            assert first_replicas == set(rasa_urls)  # both replicas take conversations
            await routing.close()

            update_ids = iter(range(1, 1000))
            async with httpx.AsyncClient(timeout=30) as http:

                async def say(user, words: str) -> None:
                    response = await http.post(
                        f"http://127.0.0.1:{public}/telegram",
                        json=message_update(user.user, next(update_ids), words),
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    )
                    assert response.status_code == 200

                for user in users:  # turns alternate between the two workers (round robin)
                    await say(user, "Ich suche eine Wohnung")
                    await user.wait_for_messages(1, timeout=60)  # the notice and the question
                    assert any("wohnen Sie" in m.get("text", "") for m in user.messages)
                for user in users:
                    before = len(user.messages)
                    await say(user, "Lörrach")
                    await user.wait_for_messages(1, timeout=60)  # header and cards in one
                    answer = " ".join(m.get("text", "") for m in user.messages[before:])
                    assert "Lörrach" in answer, answer  # the place question carried over
                forged = await http.post(
                    f"http://127.0.0.1:{public}/telegram",
                    json=message_update(users[0].user, 999, "hallo"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
                )
                assert forged.status_code == 403

            engine = create_engine(tracker_url.replace("postgresql://", "postgresql+psycopg://"))
            with engine.connect() as conn:
                senders = set(conn.scalars(text("SELECT DISTINCT sender_id FROM events")))
            engine.dispose()
            assert {f"tg:{u.id}" for u in users} <= senders  # trackers live in PostgreSQL
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
