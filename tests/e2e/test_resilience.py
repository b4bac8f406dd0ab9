"""The gateway without Rasa, the console chat, and `lotse run` refusing to start half-way."""

from __future__ import annotations

import re
import socket
import subprocess
import sys

import pytest

from lotse.i18n import text as i18n_text
from tests.conftest import project_root
from tests.e2e.conftest import (
    answer,
    free_port,
    lotse_env,
    migrate_database,
    parts,
    ready_gateway,
    start_lotse,
    stop,
    wait_for,
)
from tests.e2e.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e


async def test_gateway_keeps_running_when_rasa_is_unreachable(tmp_path):
    """Rasa down: a polite answer in the user's language, the next message is still served, an
    emergency still gets the numbers, and a callback request can still be left."""
    async with FakeTelegram() as fake:  # its own Bot API: no other gateway takes its updates
        env = lotse_env(fake, tmp_path, RASA_URL=f"http://127.0.0.1:{free_port()}")
        migrate_database(env)
        gateway = await ready_gateway(env, tmp_path / "gateway.log")
        try:
            user = fake.user(8_800_001, first_name="Awa", language_code="fr")
            for text in ("Je cherche un logement à Lörrach", "allô ?"):
                await user.send(text)
                reply = (await answer(user, quiet=1.5))[-1]  # after the privacy notice, once
                assert parts([reply])[-1].startswith("Désolé"), reply["text"]
                assert gateway.poll() is None
            # a callback request can still be left: the gateway stores it itself
            await user.press(
                i18n_text("fr", "lotse_gateway_texts", "leave_callback"), message=reply
            )
            stored = await user.wait_for_reply(timeout=30)
            assert re.match(r"Votre demande R-[A-Z2-9]{5} ", stored["text"]), stored["text"]
            # an emergency still gets the emergency numbers, from the gateway itself
            await user.send("au secours mon mari me frappe")
            reply = await user.wait_for_reply(timeout=30)
            assert "112" in reply["text"] and "116 016" in reply["text"]
        finally:
            stop(gateway)


async def test_the_database_unreachable_still_gets_answers_and_the_emergency_numbers(tmp_path):
    """No database (a PostgreSQL URL nobody listens on) and no Rasa: nothing crashes, each message
    gets a polite answer, an emergency the numbers."""
    async with FakeTelegram() as fake:
        env = lotse_env(
            fake,
            tmp_path,
            RASA_URL=f"http://127.0.0.1:{free_port()}",
            DATABASE_URL=f"postgresql+psycopg://lotse:x@127.0.0.1:{free_port()}/lotse",
        )
        gateway = await ready_gateway(env, tmp_path / "gateway.log")
        try:
            user = fake.user(8_800_002, first_name="Olena", language_code="uk")
            await user.send("Шукаю житло в Лерраху")
            reply = await user.wait_for_reply(timeout=30)
            assert reply["text"] == i18n_text("uk", "lotse_gateway_texts", "unavailable")
            await user.send("/status")
            assert (await user.wait_for_reply(timeout=30))["text"] == i18n_text(
                "uk", "lotse_gateway_texts", "unavailable"
            )
            await user.send("Допоможіть, чоловік мене б'є")
            reply = await user.wait_for_reply(timeout=30)
            assert "112" in reply["text"] and "116 016" in reply["text"]
            assert gateway.poll() is None
        finally:
            stop(gateway)


async def test_console_chat_uses_the_same_gateway(lotse):
    """Without a token Lotse chats in the terminal: buttons become numbered choices."""
    env = dict(lotse.env, TELEGRAM_BOT_TOKEN="")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--console"],
        input="Ich suche eine Wohnung in Lörrach\n1\n/quit\n",
        env=env,
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "1) 🏠 Wohnen" in out  # the greeting's buttons, numbered
    assert "Fachstelle Wohnen der Stadt Lörrach" in out
    assert "📞 +49 7621 555 0938" in out


async def test_lotse_run_refuses_a_busy_port(fake_api, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = lotse_env(fake_api, tmp_path, RASA_PORT=str(busy.getsockname()[1]))
        log = tmp_path / "run.log"
        proc = start_lotse(env, log)
        try:
            await wait_for(lambda: proc.poll() is not None, 60, "lotse run to give up", None, log)
        finally:
            stop(proc)
    assert proc.returncode == 1
    said = log.read_text()  # "rasa", or "rasa-1" with replicas
    assert f"port {env['RASA_PORT']} for rasa" in said and "is already in use" in said
