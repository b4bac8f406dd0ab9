"""End-to-end harness: the real `lotse run` (Rasa + action server + gateway) against the fake
Telegram Bot API on loopback, with its own database and ports, started once per test session."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import fresh_database_url, project_root
from tests.e2e.fake_telegram import FakeTelegram, FakeUser

START_TIMEOUT = 420.0  # Rasa loads TensorFlow and the model: ~20-40 s here, more on a busy CI
_user_ids = itertools.count(100_001)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (Rasa replicas use rasa_port + n)."""
    while True:
        first = free_port()
        try:
            socks = []
            for port in range(first, first + count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()


def require_model() -> None:
    models = project_root() / "models"
    if not any(models.glob("*.tar.gz")):
        pytest.fail("no trained model in models/: run `make train` (make test does)")


@dataclass
class LotseProcess:
    """A running `lotse run` and where to find what it printed."""

    proc: subprocess.Popen[str]
    log_path: Path
    env: dict[str, str]
    rasa_url: str

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_lotse(env: dict[str, str], log_path: Path) -> subprocess.Popen[str]:
    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lotse.runtime.cli", "run"],
        cwd=project_root(),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )

    def pump() -> None:
        assert proc.stdout
        for line in proc.stdout:
            log.write(line)
            log.flush()
        log.close()

    threading.Thread(target=pump, daemon=True).start()
    return proc


def start_gateway(env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    """The gateway alone (`python -m bot`), its output appended to `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=project_root(),
        env=env,
        stdout=log.open("a", encoding="utf-8"),
        stderr=subprocess.STDOUT,
        text=True,
    )


def migrate_database(env: dict[str, str]) -> None:
    """`lotse db upgrade` on the environment's DATABASE_URL (the gateway alone does not)."""
    subprocess.run(
        [sys.executable, "-m", "lotse.runtime.cli", "db", "upgrade"],
        env=env,
        check=True,
        cwd=project_root(),
        capture_output=True,
    )


async def ready_gateway(env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    """The gateway alone, once it says it is ready; stopped again if it never does."""
    gateway = start_gateway(env, log)
    try:
        await wait_for(
            lambda: "Lotse gateway ready" in log.read_text(), 30, "gateway ready", gateway, log
        )
    except BaseException:
        stop(gateway)
        raise
    return gateway


def lotse_env(fake: FakeTelegram, var_dir: Path, **extra: str) -> dict[str, str]:
    replicas = int(os.environ.get("LOTSE_RASA_REPLICAS") or 1)
    rasa_port = free_ports(replicas)
    action_port = free_port()
    while rasa_port <= action_port < rasa_port + replicas:
        action_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RASA_", "ACTION_SERVER"))}
    env.update(
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.base_url,
        LOTSE_VAR_DIR=str(var_dir),
        DATABASE_URL=fresh_database_url(var_dir),
        RASA_PORT=str(rasa_port),
        ACTION_SERVER_PORT=str(action_port),
        LOTSE_METRICS_PORT=str(free_port()),  # the gateway's /health and /metrics
        PYTHONUNBUFFERED="1",
        # the secret Rasa's HTTP API and the action server require (tests that call them use it)
        LOTSE_SERVICE_TOKEN=secrets.token_urlsafe(16),
    )
    env.update(extra)
    return env


async def wait_for(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    proc: subprocess.Popen[str] | None = None,
    log: Path | None = None,
) -> None:
    """Poll without blocking the event loop (the fake Bot API runs on it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-4000:] if log else ""
            raise AssertionError(f"lotse run exited ({proc.returncode}) before {what}:\n{tail}")
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-4000:] if log else ""
            raise AssertionError(f"timed out waiting for {what}:\n{tail}")
        await asyncio.sleep(0.2)


def stop(proc: subprocess.Popen[str], timeout: float = 30) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@pytest.fixture(scope="session")
async def fake_api() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture(scope="session")
async def lotse(
    fake_api: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LotseProcess]:
    """`lotse run` in Telegram mode, up when the gateway has asked the fake for updates."""
    require_model()
    var_dir = tmp_path_factory.mktemp("lotse-var")
    env = lotse_env(fake_api, var_dir)
    log_path = var_dir / "lotse-run.log"
    proc = start_lotse(env, log_path)
    running = LotseProcess(proc, log_path, env, f"http://127.0.0.1:{env['RASA_PORT']}")
    try:
        await wait_for(
            lambda: "all processes are up" in running.log(),
            START_TIMEOUT,
            "all processes to be up",
            proc,
            log_path,
        )
        await wait_for(
            lambda: any(m == "getUpdates" for m, _ in fake_api.calls),
            30,
            "the gateway to poll",
            proc,
            log_path,
        )
        yield running
    finally:
        code = stop(proc)
        if code not in (0, -signal.SIGTERM):
            print(running.log()[-4000:])
        assert fake_api.unknown_methods == [], "the gateway called Bot API methods the fake lacks"
        logs = [
            running.log(),
            *(p.read_text(errors="replace") for p in (var_dir / "log").glob("*.log")),
        ]
        assert not any(fake_api.token in text for text in logs), "the bot token was logged"


@pytest.fixture()
def new_user(fake_api: FakeTelegram, request: pytest.FixtureRequest) -> Callable[..., FakeUser]:
    """A fresh Telegram user (own private chat, so tests do not share a conversation). Unless
    `first_contact`, the user has already seen and accepted the privacy notice, so tests see
    the answers to their questions first (tests/e2e/test_privacy.py covers the notice)."""

    def make(
        language_code: str = "de", first_name: str = "Test", first_contact: bool = False
    ) -> FakeUser:
        user = fake_api.user(next(_user_ids), first_name=first_name, language_code=language_code)
        if not first_contact:
            from lotse import privacy
            from lotse.db import session_scope

            url = request.getfixturevalue("lotse").env["DATABASE_URL"]
            with session_scope(url) as session:
                privacy.notice_shown(session, f"tg:{user.id}")
                privacy.give_consent(session, f"tg:{user.id}")
        return user

    return make


async def replies_until(
    user: FakeUser, predicate: Callable[[dict], bool], timeout: float = 30.0
) -> list[dict]:
    """Collect the bot's replies until one matches `predicate`; fail with what arrived."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no matching reply; got {[m.get('text') for m in seen]}")
        try:
            message = await user.wait_for_reply(timeout=remaining)
        except TimeoutError as exc:
            raise AssertionError(f"no matching reply; got {[m.get('text') for m in seen]}") from exc
        seen.append(message)
        if predicate(message):
            return seen


async def settle(user: FakeUser, quiet: float = 1.0) -> list[dict]:
    """Collect replies until none has arrived for `quiet` seconds (for multi-message answers)."""
    seen: list[dict] = []
    while True:
        try:
            seen.append(await user.wait_for_reply(timeout=quiet))
        except TimeoutError:
            return seen


async def answer(user: FakeUser, quiet: float = 2.0, timeout: float = 30.0) -> list[dict]:
    """A whole answer: the first reply (waited for generously), then what follows it closely."""
    first = await user.wait_for_reply(timeout=timeout)
    return [first, *await settle(user, quiet=quiet)]


def parts(messages: list[dict]) -> list[str]:
    """The parts of the answers as Lotse wrote them, before the gateway joined them into as few
    Telegram messages as fit (bot/replies.py joins with an empty line): the privacy notice, a
    header, each offer card …"""
    return [part for m in messages for part in (m.get("text") or "").split("\n\n")]


def _titles(section: str, key: str) -> set[str]:
    from lotse import LANGUAGES
    from lotse.i18n import section as texts

    return {str(texts(lang, section)[key]) for lang in LANGUAGES}


def button_titles(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["text"] for row in rows for b in row]


def ends_offer_list(message: dict) -> bool:
    """The last card of an offer list carries the "Not what I meant" button."""
    return bool(set(button_titles(message)) & _titles("lotse_buttons", "not_meant"))


def asks_status_or_age(message: dict) -> str | None:
    """The "prefer not to say" button of a residence-status or age question, if it is one."""
    unknown = _titles("lotse_residence_status", "unknown") | _titles("lotse_age_groups", "unknown")
    return next((t for t in button_titles(message) if t in unknown), None)


async def offer_list(
    user: FakeUser, timeout: float = 40.0, answer_with: str | None = None
) -> list[dict]:
    """Replies up to the end of an offer list; a status or age question on the way is answered
    with `answer_with` (a button title) or "prefer not to say"."""
    seen: list[dict] = []
    while True:
        batch = await replies_until(
            user, lambda m: ends_offer_list(m) or bool(asks_status_or_age(m)), timeout
        )
        seen += batch
        last = batch[-1]
        if ends_offer_list(last):
            return seen
        choice = answer_with if answer_with in button_titles(last) else asks_status_or_age(last)
        await user.press(choice, message=last)
