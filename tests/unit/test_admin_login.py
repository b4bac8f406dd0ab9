"""Admin accounts, sessions and request limits (issue 14, item 9), each as an attacker tries it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from lotse import admin_accounts, catalogue
from lotse.audit import AuditLog
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.runtime import migrate
from lotse.settings import Settings, load_settings
from tests.conftest import fresh_database_url, project_root
from tests.unit.catalogue_fixtures import write_catalogue

PASSWORD = "ein-langes-Passwort"
OTHER = "noch-ein-langes-Passwort"
BASE = "http://admin.test"


@pytest.fixture()
def url(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, offers = write_catalogue(tmp_path)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
        admin_accounts.add_account(s, "Amina", PASSWORD)
        admin_accounts.add_account(s, "Jonas", OTHER)
    return url


def make_client(url: str, monkeypatch: pytest.MonkeyPatch, **settings: object) -> TestClient:
    from admin.app import create_app

    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    app = create_app(Settings(database_url=url, **settings))  # type: ignore[arg-type]
    return TestClient(app, base_url=BASE, headers={"Origin": BASE})


@pytest.fixture()
def client(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    yield make_client(url, monkeypatch)
    load_settings.cache_clear()


def login(client: TestClient, name: str, password: str, code: str = "") -> httpx.Response:
    return client.post("/admin/login", data={"username": name, "password": password, "code": code})


def logged_in(response: httpx.Response) -> bool:
    return response.status_code == 200 and "/admin/login" not in str(response.url)


def test_personal_accounts_log_in_and_the_audit_log_names_the_account(client, url) -> None:
    assert not logged_in(login(client, "Amina", OTHER))  # someone else's password
    assert not logged_in(login(client, "Niemand", PASSWORD))
    assert logged_in(login(client, "amina", PASSWORD))  # the name as typed, any case
    listed = client.get("/admin/service/list")
    assert listed.status_code == 200
    gone = client.delete("/admin/service/delete", params={"pks": "loe-kita"})
    assert gone.status_code == 200
    with session_scope(url) as s:
        deleted = select(AuditLog).where(AuditLog.action == "delete", AuditLog.table == "service")
        [entry] = s.scalars(deleted).all()
        assert entry.actor == "Amina" and entry.row_id == "loe-kita"
        # the row as it was, so a delete can be undone by hand
        assert entry.changes["name"] == ["Kita-Anmeldung der Stadt Lörrach", None]


def test_logout_ends_the_session_on_the_server(client) -> None:
    assert logged_in(login(client, "Amina", PASSWORD))
    stolen = dict(client.cookies)
    client.get("/admin/logout")
    thief = TestClient(client.app, base_url=BASE, cookies=stolen)
    assert "/admin/login" in str(thief.get("/admin/service/list").url)


def test_sessions_expire_and_end_with_the_account(client, url) -> None:
    with session_scope(url) as s:
        account = admin_accounts.accounts(s)[0]
        token = admin_accounts.start_session(s, account)
    with session_scope(url) as s:
        idle = utcnow() + admin_accounts.SESSION_IDLE + timedelta(seconds=1)
        assert admin_accounts.session_account(s, token, idle) is None
        assert admin_accounts.session_account(s, token) is None  # deleted on the way
    assert logged_in(login(client, "Amina", PASSWORD))
    with session_scope(url) as s:
        admin_accounts.deactivate(s, "Amina")
    assert "/admin/login" in str(client.get("/admin/service/list").url)
    assert not logged_in(login(client, "Amina", PASSWORD))


def test_retention_purges_ended_sessions(url) -> None:
    from lotse import privacy

    with session_scope(url) as s:
        token = admin_accounts.start_session(s, admin_accounts.accounts(s)[0])
    later = utcnow() + admin_accounts.SESSION_LIFETIME + timedelta(minutes=1)
    with session_scope(url) as s:
        assert privacy.purge_expired(s, later)["admin_sessions"] == 1
        assert admin_accounts.session_account(s, token) is None


def test_a_second_factor_is_required_once_set_up(client, url) -> None:
    with session_scope(url) as s:
        made = admin_accounts.add_account(s, "Amina", PASSWORD, totp=True)
    assert made.totp_uri and made.totp_uri.startswith("otpauth://totp/")
    secret = pyotp.parse_uri(made.totp_uri).secret
    assert not logged_in(login(client, "Amina", PASSWORD))
    assert not logged_in(login(client, "Amina", PASSWORD, "000000"))
    assert logged_in(login(client, "Amina", PASSWORD, pyotp.TOTP(secret).now()))


def test_wrong_tries_lock_the_account_not_the_colleagues(client) -> None:
    for _ in range(5):
        assert not logged_in(login(client, "Amina", "falsch-falsch-falsch"))
    locked = login(client, "Amina", PASSWORD)
    assert locked.status_code == 429  # even with the right password: guessing stays slow
    assert logged_in(login(client, "Jonas", OTHER))  # the same address, another account


def test_argon2_runs_off_the_event_loop(client, monkeypatch) -> None:
    threads: list[str] = []
    real = admin_accounts.check_login

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(admin_accounts, "check_login", spy)
    assert logged_in(login(client, "Amina", PASSWORD))
    assert threads and threads[0] != "MainThread" and "AnyIO worker" in threads[0]


def test_the_cookie_is_secure_behind_tls(url, monkeypatch) -> None:
    secure = make_client(url, monkeypatch, admin_secure_cookie=True)
    secure.base_url = httpx.URL("https://admin.test")
    secure.headers["Origin"] = "https://admin.test"
    response = secure.post(
        "/admin/login", data={"username": "Amina", "password": PASSWORD}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in cookie and "samesite=strict" in cookie and "httponly" in cookie
    plain = make_client(url, monkeypatch)
    response = plain.post(
        "/admin/login", data={"username": "Amina", "password": PASSWORD}, follow_redirects=False
    )
    assert "secure" not in response.headers["set-cookie"].lower()


def test_large_bodies_are_refused_before_they_are_read(client) -> None:
    big = client.post("/admin/login", content=b"username=" + b"a" * 100_000)
    assert big.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(200):
            yield b"a" * 1024

    streamed = client.post(
        "/admin/login",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    assert logged_in(login(client, "Amina", PASSWORD))  # a normal login still works


def test_cli_adds_lists_and_removes_accounts(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": fresh_database_url(tmp_path)}

    def lotse(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lotse.runtime.cli", "admin", *args],
            input=stdin,
            env=env,
            cwd=project_root(),
            capture_output=True,
            text=True,
        )

    short = lotse("add", "Amina", "--password-stdin", stdin="kurz\n")
    assert short.returncode == 2 and "at least 12" in short.stderr
    made = lotse("add", "Amina", "--password-stdin", "--totp", stdin=PASSWORD + "\n")
    assert made.returncode == 0 and "otpauth://totp/" in made.stdout
    assert "Amina · TOTP" in lotse("list").stdout
    assert lotse("remove", "Amina").returncode == 0
    assert "(inactive)" in lotse("list").stdout
    assert lotse("remove", "Niemand").returncode == 2
    assert PASSWORD not in made.stdout + made.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_forwarded_for_counts_only_from_a_configured_proxy(url, tmp_path, trusted) -> None:
    """Rotating X-Forwarded-For must not give endless tries unless a proxy is configured (then
    the proxy sets it, and each client address has its own count)."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ADMIN_PORT": str(port),
        "ADMIN_TRUSTED_PROXIES": trusted,
        "LOTSE_VAR_DIR": str(tmp_path),
    }
    log = tmp_path / "admin.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "admin"],
        cwd=project_root(),
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1800):  # a starved machine may take minutes to start it
            if "admin ready" in log.read_text():
                break
            assert proc.poll() is None, log.read_text()
            time.sleep(0.1)
        codes = []
        # A generous read timeout: beside other passes a login may wait for the CPU (CI once
        # timed out at httpx's default 5 s); the test is about status codes, not speed.
        with httpx.Client(base_url=base, headers={"Origin": base}, timeout=120) as http:
            for i in range(35):
                for _ in range(50):  # the server may still be binding its port
                    try:
                        r = http.post(
                            "/admin/login",
                            data={"username": f"name{i}", "password": "x" * 12},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"},
                        )
                        break
                    except httpx.ConnectError:
                        time.sleep(0.1)
                codes.append(r.status_code)
        if trusted:
            assert 429 not in codes  # 35 different clients, each with one wrong try
        else:
            assert codes[-1] == 429 and codes.count(429) == 5  # one address: 30 tries
    finally:
        proc.terminate()
        proc.wait(timeout=30)
