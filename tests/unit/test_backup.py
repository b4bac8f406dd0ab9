"""Backups that restore: every row of every table comes back, on SQLite and (LOTSE_TEST_POSTGRES)
on PostgreSQL with pg_dump/pg_restore; what is refused is refused before anything changes."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, func, select, text, update

from lotse import (
    backup,
    backup_postgres,
    callbacks,
    catalogue,
    cli,
    conversations,
    handoff,
    insights,
    migrate,
    privacy,
    registry,
)
from lotse.audit import acting_as
from lotse.buttons import issue_token
from lotse.db import get_engine, session_scope
from lotse.desk_models import CallbackRequest
from lotse.hsds import Service
from lotse.settings import load_settings
from tests.conftest import POSTGRES, fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue

ANNA, BORIS = 501, 502
NAMED = {
    # the catalogue
    "organization",
    "service",
    "location",
    "service_translation",
    "area",
    "area_alias",
    "phone",
    "schedule",
    "language",
    "service_area",
    "service_eligibility",
    "service_at_location",
    # people and cases
    "facilitator",
    "facilitator_state",
    "desk",
    "callback_request",
    "conversation_settings",
    "button_payloads",
    "question_log",
    "outbox_message",
    "audit_log",
    "app_secret",
}
"""Tables the realistic fill below reaches; any other table (a future one) gets a made-up row."""


def booking(chat: int, **changes: Any) -> callbacks.Booking:
    values: dict[str, Any] = dict(
        conversation_id=f"tg:{chat}",
        client_chat_id=chat,
        topic="housing",
        place="Lörrach",
        language="ar",
        preferred_day=date(2026, 11, 24),
        preferred_part="am",
    )
    values.update(changes)
    return callbacks.Booking(**values)


def fill(url: str, directory: Path) -> None:
    """Every kind of row Lotse keeps: catalogue, desks, requests in each state, conversations."""
    places, offers = write_catalogue(directory)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
        registry.save_desk(s, "Landkreis Lörrach", -1001, 700)
        registry.save_facilitator(s, ANNA, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
        registry.save_facilitator(s, BORIS, "Boris", ["Baden-Württemberg"], ["de", "ru"])
    with session_scope(url) as s:
        anna, boris = callbacks.facilitator(s, ANNA), callbacks.facilitator(s, BORIS)
        callbacks.book(s, booking(41, urgent=True))  # open
        chatting = callbacks.book(s, booking(42, contact_method="phone", phone="+49 170 5550042"))
        callbacks.claim(s, chatting.id, anna)
        handoff.start_chat(s, chatting, anna)
        handoff.relay_to_facilitator(s, chatting, "مرحبا، اسمي أحمد")
        closed = callbacks.book(s, booking(43, topic="work"))
        callbacks.claim(s, closed.id, boris)
        callbacks.close(s, closed, boris, "referred", "Fachstelle Wohnen")
        callbacks.book(s, booking(44))
        callbacks.cancel_by_client(s, "tg:44")
        conversations.choose_language(s, "tg:45", "uk")
        privacy.notice_shown(s, "tg:45")
        privacy.give_consent(s, "tg:45")
        conversations.expect_contact(s, "tg:46")
        conversations.store_shared_phone(s, "tg:46", "+49 170 5550046")
        issue_token(s, "tg:45", "🏠 Wohnen", "/ask_housing")
        insights.record(
            s, text="wo wohnen 0176 1234567", intent="nlu_fallback", confidence=0.2,
            language="de", conversation_id="tg:45",
        )  # fmt: skip
        insights.record_correction(
            s, text="Kita Platz", label="ask_education", language="de", conversation_id="tg:45"
        )
    with acting_as("admin:amina"), session_scope(url) as s:  # flushed while acting
        service = s.scalars(select(Service).order_by(Service.id)).first()
        service.name = service.name + " (geprüft)"


def tables(url: str) -> dict[str, Table]:
    """Every table in the database, as SQLAlchemy metadata (so future tables are covered)."""
    metadata = MetaData()
    metadata.reflect(get_engine(url))
    return dict(metadata.tables)


def made_up(table: Table, conn: Any) -> dict[str, Any]:
    """One row for a table the realistic fill does not know yet, from its column types."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.foreign_keys:
            target = next(iter(column.foreign_keys)).column
            values[column.name] = conn.scalar(select(target).limit(1))
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = str
        samples = {
            int: 7,
            bool: True,
            float: 0.5,
            Decimal: Decimal("1.5"),
            datetime: datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
            date: date(2026, 11, 24),
            bytes: b"\x00\xff",
            dict: {"key": "värde"},
            list: ["a", "b"],
        }
        value = samples.get(kind, f"{table.name}·{column.name}")
        if isinstance(value, str) and getattr(column.type, "length", None):
            value = value[: column.type.length]
        values[column.name] = value
    return values


def fill_the_rest(url: str) -> list[str]:
    with get_engine(url).begin() as conn:
        empty = [
            t
            for t in tables(url).values()
            if t.name not in NAMED and not conn.scalar(select(func.count()).select_from(t))
        ]
        for table in empty:
            conn.execute(table.insert().values(made_up(table, conn)))
    return [t.name for t in empty]


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with get_engine(url).connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for name, table in tables(url).items()
        }


@pytest.fixture()
def source(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path / "source")
    migrate.upgrade(url)
    fill(url, tmp_path)
    fill_the_rest(url)
    return url


@pytest.fixture()
def empty(tmp_path: Path) -> str:
    return fresh_database_url(tmp_path / "empty")


def suffix() -> str:
    return ".pgdump" if POSTGRES else ".sqlite3"


def test_a_backup_restores_every_row_into_an_empty_database(
    source: str, empty: str, tmp_path: Path
) -> None:
    before = snapshot(source)
    for name in sorted(NAMED | set(before)):
        assert before.get(name), f"the fill leaves {name} empty: the test would not see it"
    with session_scope(source) as s:
        states = {r.status for r in s.scalars(select(CallbackRequest))}
    assert states == {"open", "claimed", "closed", "cancelled"}

    made = backup.backup(source, tmp_path / "backups" / f"nightly{suffix()}")
    assert made.engine == ("postgresql" if POSTGRES else "sqlite")
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert not list(made.path.parent.glob("*.partial"))

    restored = backup.restore(empty, made.path)
    assert restored.revision == migrate.current(source)
    assert snapshot(empty) == before
    with session_scope(empty) as s:  # a restored database takes new rows (sequences came along)
        callbacks.book(s, booking(47))
        person = registry.save_facilitator(s, 503, "Carla", ["Landkreis Lörrach"], ["de"])
        assert person.id not in {row[0] for row in before["facilitator"]}


def test_a_backup_while_lotse_writes_is_a_consistent_snapshot(
    source: str, empty: str, tmp_path: Path
) -> None:
    before = snapshot(source)
    with get_engine(source).connect() as writing:  # an open, uncommitted write transaction
        writing.execute(text("UPDATE desk SET telegram_chat_id = -999"))
        made = backup.backup(source, tmp_path / f"while-writing{suffix()}")
        writing.rollback()
    backup.restore(empty, made.path)
    assert snapshot(empty) == before


def test_restore_refuses_a_database_with_data_unless_told_to_replace_it(
    source: str, tmp_path: Path
) -> None:
    made = backup.backup(source, tmp_path / f"a{suffix()}")
    other = fresh_database_url(tmp_path / "other")
    migrate.upgrade(other)
    (tmp_path / "theirs").mkdir()
    with session_scope(other) as s:
        catalogue.import_path(s, write_catalogue(tmp_path / "theirs")[0])
    theirs = snapshot(other)

    with pytest.raises(backup.BackupError, match=r"holds data.*--yes") as refused:
        backup.restore(other, made.path)
    assert not refused.value.changed
    assert snapshot(other) == theirs

    backup.restore(other, made.path, replace=True)
    assert snapshot(other) == snapshot(source)


def test_a_migrated_but_unused_database_counts_as_empty(
    source: str, empty: str, tmp_path: Path
) -> None:
    made = backup.backup(source, tmp_path / f"a{suffix()}")
    migrate.upgrade(empty)  # what `lotse db upgrade` leaves: tables, no data
    assert backup.tables_with_data(empty) == []
    backup.restore(empty, made.path)
    assert snapshot(empty) == snapshot(source)


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_restore_refuses_files_that_are_not_lotse_backups(
    empty: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(empty)
    plain = tmp_path / "plain.sqlite3"  # a real SQLite database, but not Lotse's
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    unreadable = write(tmp_path / "locked.dump", b"PGDMP")
    real_open = Path.open

    def no_permission(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == unreadable:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", no_permission)
    magic = backup.PGDUMP_MAGIC if POSTGRES else backup.SQLITE_MAGIC
    cases = {
        tmp_path / "missing.dump": "no such file",
        tmp_path: "is a folder",
        unreadable: "cannot read it",
        write(tmp_path / "garbage.bin", os.urandom(4096)): "not a Lotse backup",
        write(tmp_path / "empty.bin", b""): "not a Lotse backup",
        write(tmp_path / "broken.dump", magic + os.urandom(4096)): "damaged",
    }
    if not POSTGRES:
        cases[plain] = "not a Lotse backup"
    for path, reason in cases.items():
        with pytest.raises(backup.BackupError, match=reason) as refused:
            backup.restore(empty, path)
        assert not refused.value.changed, path
        assert snapshot(empty) == before, path


def test_restore_refuses_a_backup_made_by_a_newer_lotse(
    source: str, empty: str, tmp_path: Path
) -> None:
    with get_engine(source).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    made = backup.backup(source, tmp_path / f"future{suffix()}")
    assert made.revision == "9999"
    before = snapshot(empty)
    with pytest.raises(backup.BackupError, match=r"revision 9999.*newer Lotse"):
        backup.restore(empty, made.path)
    assert snapshot(empty) == before


def test_an_older_backup_is_brought_up_to_date(empty: str, tmp_path: Path) -> None:
    old = fresh_database_url(tmp_path / "old")
    migrate.upgrade(old, "0007")
    with get_engine(old).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, description, website, email) "
                "VALUES ('caritas', 'Caritas Lörrach', '', '', '')"
            )
        )
    made = backup.backup(old, tmp_path / f"old{suffix()}")
    assert made.revision == "0007"
    restored = backup.restore(empty, made.path)
    assert restored.backup.revision == "0007"
    assert restored.revision == migrate.current(empty) != "0007"
    assert snapshot(empty)["organization"] == [("caritas", "Caritas Lörrach", "", "", "")]
    with session_scope(empty) as s:  # what the later migrations made is there
        assert insights.conversation_key(s, "tg:1")


def test_a_backup_of_the_other_engine_is_refused(empty: str, tmp_path: Path) -> None:
    if POSTGRES:
        lite = f"sqlite:///{tmp_path / 'lite.db'}"
        migrate.upgrade(lite)
        other = backup.backup(lite, tmp_path / "lite.sqlite3").path
        reason = "SQLite backup, but the configured database is PostgreSQL"
    else:
        other = write(tmp_path / "server.pgdump", backup.PGDUMP_MAGIC + b"\x01\x0e\x00")
        reason = "PostgreSQL backup, but the configured database is SQLite"
    before = snapshot(empty)
    with pytest.raises(backup.BackupError, match=reason):
        backup.restore(empty, other)
    assert snapshot(empty) == before


def test_a_backup_never_overwrites_a_file(source: str, tmp_path: Path) -> None:
    existing = write(tmp_path / f"taken{suffix()}", b"keep me")
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.backup(source, existing)
    assert existing.read_bytes() == b"keep me"


def test_missing_postgresql_tools_are_named_with_how_to_install_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_postgres, "PG_BIN_GLOB", str(tmp_path / "none" / "*" / "bin"))
    monkeypatch.setenv("PATH", str(tmp_path))
    output = tmp_path / "x.pgdump"
    with pytest.raises(backup.BackupError, match=r"pg_dump not found.*postgresql-client"):
        backup.backup("postgresql+psycopg://lotse:secret@127.0.0.1:1/lotse", output)
    assert not output.exists() and not list(tmp_path.glob("*.partial"))
    dump = write(tmp_path / "y.pgdump", backup.PGDUMP_MAGIC + b"\x01")
    with pytest.raises(backup.BackupError, match="pg_restore not found"):
        backup.restore("postgresql+psycopg://lotse:secret@127.0.0.1:1/lotse", dump)


def test_the_newest_debian_client_tools_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for version in ("9.6", "15", "16"):
        tool = tmp_path / version / "bin" / "pg_dump"
        tool.parent.mkdir(parents=True)
        write(tool, b"#!/bin/sh\n").chmod(0o755)
    monkeypatch.setattr(backup_postgres, "PG_BIN_GLOB", str(tmp_path / "*" / "bin"))
    assert backup_postgres.find_tool("pg_dump") == str(tmp_path / "16" / "bin" / "pg_dump")


def test_the_password_stays_off_the_command_line() -> None:
    dbname, env = backup_postgres.libpq("postgresql+psycopg://lotse:s3cr%40t@db.example:5433/lotse")
    assert dbname == "postgresql://lotse@db.example:5433/lotse"
    assert env["PGPASSWORD"] == "s3cr@t"


def test_the_commands(
    source: str,
    empty: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", source)
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path / "var"))
    load_settings.cache_clear()
    try:
        assert cli.main(["backup"]) == 0
        written = capsys.readouterr().out
        made = next((tmp_path / "var" / "backups").iterdir())
        assert re.fullmatch(r"lotse-\d{8}T\d{6}Z" + re.escape(suffix()), made.name)
        assert str(made) in written
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
        assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700

        assert cli.main(["restore", str(made)]) == 2  # the source holds data
        refused = capsys.readouterr().err
        assert "--yes" in refused and "nothing was changed" in refused
        garbage = write(tmp_path / "garbage", b"not a backup")
        assert cli.main(["restore", str(garbage), "--yes"]) == 2
        assert "not a Lotse backup" in capsys.readouterr().err

        monkeypatch.setenv("DATABASE_URL", empty)
        load_settings.cache_clear()
        assert cli.main(["restore", str(made)]) == 0
        assert "restored" in capsys.readouterr().out
        assert snapshot(empty) == snapshot(source)
    finally:
        load_settings.cache_clear()


def test_what_was_written_after_the_backup_is_gone_after_restoring(
    source: str, tmp_path: Path
) -> None:
    """Replacing means replacing: rows added after the backup do not survive the restore."""
    made = backup.backup(source, tmp_path / f"a{suffix()}")
    before = snapshot(source)
    with session_scope(source) as s:
        callbacks.book(s, booking(48))
        s.execute(update(Service).values(name="changed"))
    backup.restore(source, made.path, replace=True)
    assert snapshot(source) == before


def test_the_daily_script_keeps_only_encrypted_backups_for_a_limited_time(
    source: str, empty: str, tmp_path: Path
) -> None:
    """deploy/lotse-backup with a stand-in for `age` (it copies and records the recipient)."""
    bin_dir, kept = tmp_path / "bin", tmp_path / "kept"
    bin_dir.mkdir()
    fake_age = bin_dir / "age"
    fake_age.write_text(
        "#!/bin/sh\n# age --recipient R --output OUT IN\n"
        'echo "$2" > "$(dirname "$0")/recipient"; cp "$5" "$4"\n'
    )
    fake_age.chmod(0o755)
    kept.mkdir()
    expired = write(kept / "lotse-20000101T000000Z.age", b"old")
    os.utime(expired, (0, 0))
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "DATABASE_URL": source,
        "LOTSE_BACKUP_AGE_RECIPIENT": "age1example",
        "LOTSE_BACKUP_DIR": str(kept),
        "LOTSE_BACKUP_KEEP_DAYS": "14",
    }
    script = Path(__file__).resolve().parents[2] / "deploy" / "lotse-backup"
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    (encrypted,) = kept.iterdir()  # the expired one is gone, no plain copy left
    assert re.fullmatch(r"lotse-\d{8}T\d{6}Z\.age", encrypted.name)
    assert stat.S_IMODE(encrypted.stat().st_mode) == 0o600
    assert (bin_dir / "recipient").read_text().strip() == "age1example"
    backup.restore(empty, encrypted)  # "decrypted" by the stand-in: it restores
    assert snapshot(empty) == snapshot(source)

    del env["LOTSE_BACKUP_AGE_RECIPIENT"]
    refused = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=False)
    assert refused.returncode != 0 and "LOTSE_BACKUP_AGE_RECIPIENT" in refused.stderr


def test_a_cut_backup_is_refused_and_the_database_stays_as_it_was(
    source: str, tmp_path: Path
) -> None:
    made = backup.backup(source, tmp_path / f"a{suffix()}")
    data = made.path.read_bytes()
    cut = write(tmp_path / f"cut{suffix()}", data[: len(data) * 2 // 3])
    with session_scope(source) as s:  # the database differs from the backup now
        callbacks.book(s, booking(49))
    before = snapshot(source)
    with pytest.raises(backup.BackupError, match=r"damaged|failed") as refused:
        backup.restore(source, cut, replace=True)
    assert not refused.value.changed
    assert snapshot(source) == before


def test_a_restore_while_lotse_writes_gives_up_and_changes_nothing(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = backup.backup(source, tmp_path / f"a{suffix()}")
    monkeypatch.setattr(backup, "BUSY_SECONDS", 0.2)
    monkeypatch.setattr(backup_postgres, "LOCK_TIMEOUT", "200ms")
    with get_engine(source).connect() as writing:  # Lotse, in the middle of a write
        writing.execute(text("UPDATE desk SET telegram_chat_id = -999"))
        before = snapshot(source)
        with pytest.raises(backup.BackupError, match="still running") as refused:
            backup.restore(source, made.path, replace=True)
        assert not refused.value.changed
        writing.commit()
    after = snapshot(source)
    assert after["desk"] != before["desk"] and after["service"] == before["service"]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's restore streams pg_restore into psql")
def test_a_restore_that_breaks_off_midway_changes_nothing(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = backup.backup(source, tmp_path / "a.pgdump")
    with session_scope(source) as s:
        callbacks.book(s, booking(49))
    before = snapshot(source)
    real, find_tool = backup_postgres.find_tool("pg_restore"), backup_postgres.find_tool
    breaking = tmp_path / "pg_restore"  # the tables made, then it dies before the first row
    breaking.write_text(
        f'#!/bin/sh\ncase "$*" in *--list*|*--data-only*) exec "{real}" "$@";; esac\n'
        f'"{real}" "$@" | sed "/^-- Data for Name/,\\$d"\nexit 1\n'
    )
    breaking.chmod(0o755)
    monkeypatch.setattr(
        backup_postgres,
        "find_tool",
        lambda name: str(breaking) if name == "pg_restore" else find_tool(name),
    )
    with pytest.raises(backup.BackupError, match="pg_restore failed") as refused:
        backup.restore(source, made.path, replace=True)
    assert not refused.value.changed
    assert snapshot(source) == before


@pytest.mark.skipif(bool(POSTGRES), reason="an SQLite file's pages")
def test_a_backup_with_a_damaged_page_is_refused(source: str, empty: str, tmp_path: Path) -> None:
    """The backup API would copy a damaged page as it is (here an index nothing reads while
    restoring): the file is checked first."""
    index = "ix_callback_request_status_region"
    made = backup.backup(source, tmp_path / "a.sqlite3")
    with sqlite3.connect(made.path) as conn:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)
        ).fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(made.path.read_bytes())
    data[(root - 1) * page_size : (root - 1) * page_size + 12] = b"\xff" * 12
    damaged = write(tmp_path / "damaged.sqlite3", bytes(data))
    before = snapshot(empty)
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(empty, damaged)
    assert snapshot(empty) == before
