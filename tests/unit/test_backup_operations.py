"""Backups in operation: the commands, the daily encrypted script, PostgreSQL's client tools,
and restores that meet a running Lotse or break off (SQLite; PostgreSQL: LOTSE_TEST_POSTGRES)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text, update

from lotse.catalogue.hsds import Service
from lotse.db import get_engine, session_scope
from lotse.requests import callbacks
from lotse.runtime import backup, backup_postgres, cli
from lotse.settings import load_settings
from tests.conftest import POSTGRES, fresh_database_url
from tests.unit.backup_fixtures import (
    booking,
    filled_database,
    snapshot,
    suffix,
    write,
)


@pytest.fixture()
def source(tmp_path: Path) -> str:
    return filled_database(tmp_path)


@pytest.fixture()
def empty(tmp_path: Path) -> str:
    return fresh_database_url(tmp_path / "empty")


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
