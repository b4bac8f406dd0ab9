"""Secrets and phone numbers stay out of logs and stored errors (issue 14, item 4)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from lotse.db import session_scope
from lotse.logs import RedactingFormatter, redact, secrets_of
from lotse.requests import outbox
from lotse.requests.models import OutboxMessage
from lotse.settings import load_settings

TOKEN = "123456789:AAH-secret-part-of-the-bot-token"
PHONE = "+49 176 55512345"


@pytest.fixture()
def configured(db: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("LOTSE_SERVICE_TOKEN", "service-token-0123456789")
    load_settings.cache_clear()
    yield load_settings()
    load_settings.cache_clear()


def test_a_database_error_does_not_carry_the_values_written(db: str) -> None:
    with pytest.raises(Exception) as caught, session_scope(db) as session:
        session.execute(text("INSERT INTO no_such_table (phone) VALUES (:phone)"), {"phone": PHONE})
    assert PHONE not in str(caught.value)


def test_the_formatter_redacts_tracebacks_too(configured) -> None:
    record = None
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "bot", logging.ERROR, __file__, 1, "send failed for %s", ("a chat",), sys.exc_info()
        )
    output = RedactingFormatter(secrets_of(configured)).format(record)
    assert "Traceback" in output and "<secret>" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


def test_a_stored_outbox_error_is_redacted(configured, db: str) -> None:
    with session_scope(db) as session:
        row = outbox.enqueue(session, 42, "hello")
        session.flush()
        outbox.mark_retry(session, row.id, f"Forbidden: bot{TOKEN} was blocked")
        session.flush()
        stored = session.get(OutboxMessage, row.id).last_error
    assert TOKEN not in stored and "<secret>" in stored


def test_redact_leaves_ordinary_text_alone(configured) -> None:
    assert redact("nothing secret here") == "nothing secret here"


def test_files_with_secrets_are_the_owners_only(tmp_path) -> None:
    """The SQLite database (phone numbers) and the generated endpoints file (database and Redis
    passwords) are created 0600 (issue 14, item 11)."""
    import stat

    import yaml

    from lotse.db import get_engine
    from lotse.runtime.rasa_endpoints import endpoints_file
    from lotse.settings import Settings

    database = tmp_path / "lotse.db"
    with get_engine(f"sqlite:///{database}").connect() as connection:
        connection.execute(text("CREATE TABLE t (x)"))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("old")
    endpoints.chmod(0o644)
    written = endpoints_file(
        Settings(var_dir=tmp_path, tracker_store_url="postgresql://lotse:pw@db.local/tracker")
    )
    assert written == endpoints and stat.S_IMODE(written.stat().st_mode) == 0o600
    config = yaml.safe_load(written.read_text())
    assert config["action_endpoint"]["token"] == "${LOTSE_SERVICE_TOKEN}"  # never the token
