"""The supervisor with real (tiny) child processes: readiness, failure at start, clean stop."""

from __future__ import annotations

import io
import socket
import sys
import threading
import time
from pathlib import Path

from lotse.runtime.supervisor import Child, Supervisor, http_ok, ready_line
from lotse.settings import Settings


def child(name: str, code: str, **kw) -> Child:
    return Child(
        name=name,
        argv=[sys.executable, "-u", "-c", code],
        ready=kw.pop("ready", ready_line),
        start_timeout=kw.pop("timeout", 120),
        **kw,
    )


READY = "import time; print('Lotse gateway ready', flush=True); time.sleep(600)"


def test_a_child_dying_at_start_stops_the_others_and_is_named(tmp_path: Path) -> None:
    out = io.StringIO()
    ok = child("actions", READY)
    bad = child("rasa", "import sys; print('boom', flush=True); sys.exit(3)")
    sup = Supervisor(Settings(telegram_bot_token="x"), [ok, bad], out=out)
    assert sup.run([[ok, bad]], env={}) == 1
    text = out.getvalue()
    assert "rasa exited with code 3 while starting" in text
    assert "boom" in text
    assert ok.proc is not None and ok.proc.poll() is not None  # stopped, not orphaned


def test_output_is_prefixed_and_a_stop_request_ends_cleanly() -> None:
    out = io.StringIO()
    a = child("actions", READY)
    sup = Supervisor(Settings(telegram_bot_token="x"), [a], out=out)
    threading.Timer(1.5, sup._stopping.set).start()
    started = time.monotonic()
    assert sup.run([[a]], env={}) == 0
    assert time.monotonic() - started < 300  # did not wait for the child's own end
    assert " actions | Lotse gateway ready" in out.getvalue()
    assert "actions is ready" in out.getvalue()
    assert a.proc is not None and a.proc.poll() is not None


def test_a_child_that_never_becomes_ready_times_out() -> None:
    out = io.StringIO()
    slow = child("rasa", "import time; time.sleep(60)", timeout=1)
    sup = Supervisor(Settings(telegram_bot_token="x"), [slow], out=out)
    assert sup.run([[slow]], env={}) == 1
    assert "rasa did not become ready within 1 s" in out.getvalue()


def test_a_child_dying_later_is_reported() -> None:
    out = io.StringIO()
    flaky = child(
        "gateway",
        "import time; print('Lotse gateway ready', flush=True); time.sleep(1); raise SystemExit(4)",
    )
    sup = Supervisor(Settings(telegram_bot_token="x"), [flaky], out=out)
    assert sup.run([[flaky]], env={}) == 1
    assert "gateway exited with code 4; stopping the others" in out.getvalue()


def test_rasa_gets_the_service_token_even_when_it_starts_with_a_dash() -> None:
    """A token_urlsafe starts with "-" one time in 64: as a separate argument, Rasa's argparse
    took it for an option and Rasa did not start."""
    import argparse

    from nlu.rasa_main import with_auth_token

    argv = with_auth_token(["rasa", "run", "--enable-api"], "-dash-first_token")
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("--enable-api", action="store_true")
    parser.add_argument("-t", "--auth-token")
    assert parser.parse_args(argv[1:]).auth_token == "-dash-first_token"
    assert with_auth_token(["rasa", "train"], "x") == ["rasa", "train"]
    assert with_auth_token(["rasa", "run"], None) == ["rasa", "run"]


def test_a_reply_that_is_not_http_means_not_ready() -> None:
    """What a probe sees when it connected to itself: its own request line back."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        def echo() -> None:
            conn, _ = server.accept()
            with conn:
                conn.sendall(conn.recv(4096))

        thread = threading.Thread(target=echo, daemon=True)
        thread.start()
        assert http_ok(f"http://127.0.0.1:{server.getsockname()[1]}/status?token=x") is False
        thread.join(5)
