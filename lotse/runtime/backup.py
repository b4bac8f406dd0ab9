"""Backups that restore: one file per backup, made and read with the database's own tools.

SQLite: the online backup API copies a consistent snapshot while Lotse runs, into a plain SQLite
file. PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore` through `psql` in a single
transaction. Before anything changes, a restore refuses a file that is not a Lotse backup, one
made by the other engine or by a newer Lotse, and a database that holds data (unless asked to
replace it). After a restore the migrations bring an older backup up to date.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from lotse.db import get_engine
from lotse.runtime import backup_postgres, migrate
from lotse.runtime.backup_postgres import BackupError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
SEEDED_BY_MIGRATIONS = frozenset({"alembic_version", "app_secret", "catalogue_revision"})
"""Tables the migrations fill themselves: rows there do not make a database "hold data"."""
BUSY_SECONDS = 15.0
"""How long SQLite waits for a lock a running Lotse holds, then gives up unchanged."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    engine: str
    revision: str


@dataclass(frozen=True)
class Restored:
    backup: BackupFile
    revision: str | None
    """The database's schema revision after the migrations ran."""


def engine_of(database_url: str) -> str:
    name = make_url(database_url).get_backend_name()
    if name not in ENGINES:
        raise BackupError(f"backups cover SQLite and PostgreSQL, not {name}")
    return name


def shown(database_url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(database_url).render_as_string(hide_password=True)


def default_path(var_dir: Path, database_url: str, now: datetime | None = None) -> Path:
    """var/backups/lotse-<UTC time>.sqlite3 or .pgdump"""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return var_dir / "backups" / f"lotse-{stamp}{SUFFIXES[engine_of(database_url)]}"


# --- making a backup ----------------------------------------------------------------------


def backup(database_url: str, output: Path) -> BackupFile:
    """Write one backup file, readable by its owner only (it holds phone numbers)."""
    engine = engine_of(database_url)
    if output.exists():
        raise BackupError(f"{output} exists already: a backup never overwrites a file")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.fchmod(fd, 0o600)
    try:
        if engine == "sqlite":
            os.close(fd)
            _sqlite_backup(_sqlite_path(database_url), partial)
        else:
            with os.fdopen(fd, "wb") as out:
                backup_postgres.dump(database_url, out)
                out.flush()
                os.fsync(out.fileno())
        revisions = _revisions(partial, engine)  # the file reads back
        if not revisions:
            raise BackupError(
                f"{shown(database_url)} has no schema revision: not a Lotse database "
                "(`lotse db upgrade` makes one)"
            )
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupFile(output, engine, revisions[0])


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("only an SQLite database in a file (sqlite:///path) can be backed up")
    return Path(database)


def _copy(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """SQLite's backup API, all pages in one step; gives up after BUSY_SECONDS of locks (Python
    would otherwise retry a locked database for ever)."""
    deadline = time.monotonic() + BUSY_SECONDS

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")

    source.backup(dest, progress=progress)


def _sqlite_backup(source_path: Path, target: Path) -> None:
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}")
    source = sqlite3.connect(source_path, timeout=BUSY_SECONDS)
    copy = sqlite3.connect(target)
    try:
        _copy(source, copy)  # one step: a consistent snapshot; WAL lets Lotse write meanwhile
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the copy of {source_path} does not check out: {check}")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy {source_path}: {exc}") from exc
    finally:
        copy.close()
        source.close()
    with target.open("rb+") as written:
        os.fsync(written.fileno())


# --- reading a backup ---------------------------------------------------------------------


def kind_of(path: Path) -> str:
    """ "sqlite" or "postgresql", from the file's first bytes; refuses anything else."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file") from None
    except PermissionError:
        raise BackupError(
            f"{path}: cannot read it (permission denied; a backup is readable by the user who "
            "made it only)"
        ) from None
    except OSError as exc:
        raise BackupError(f"{path}: cannot read it ({exc.strerror})") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a Lotse backup (neither an SQLite database nor a pg_dump custom-format "
        "file)"
    )


def inspect_backup(path: Path) -> BackupFile:
    """What a file is: its engine and schema revision, which this code must know."""
    engine = kind_of(path)
    return BackupFile(path, engine, _known_revision(path, _revisions(path, engine)))


def _revisions(path: Path, engine: str) -> list[str] | None:
    """The Alembic revisions stored in a backup; None without an alembic_version table."""
    if engine == "sqlite":
        return _sqlite_revisions(path)
    return backup_postgres.revisions(path)


def _sqlite_revisions(path: Path) -> list[str] | None:
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open it ({exc})") from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            return None
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":  # a cut or damaged copy would be restored as it is
            raise BackupError(f"{path} is damaged: {check}")
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged or not an SQLite database ({exc})") from exc
    finally:
        conn.close()


def _known_revision(path: Path, revisions: list[str] | None) -> str:
    if not revisions:
        raise BackupError(f"{path} is not a Lotse backup (it has no Lotse schema revision)")
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    scripts = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    for revision in revisions:
        try:
            known = scripts.get_revision(revision)
        except CommandError:
            known = None
        if known is None:
            raise BackupError(
                f"{path} is at schema revision {revision}, which this Lotse does not know (its "
                f"newest is {', '.join(scripts.get_heads())}): it was made by a newer Lotse; "
                "update Lotse, then restore"
            )
    return revisions[0]


# --- restoring ----------------------------------------------------------------------------


def tables_with_data(database_url: str) -> list[str]:
    """The database's tables that hold rows (beyond what the migrations write themselves)."""
    engine = get_engine(database_url)
    quote_name = engine.dialect.identifier_preparer.quote
    held = []
    with engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            if name in SEEDED_BY_MIGRATIONS:
                continue
            if conn.execute(text(f"SELECT 1 FROM {quote_name(name)} LIMIT 1")).first():
                held.append(name)
    return held


def restore(database_url: str, path: Path, replace: bool = False) -> Restored:
    """Restore `path` into the configured database, then migrate it to this code's schema.

    Refused, with nothing changed: a file that is missing, unreadable, not a Lotse backup, made
    by the other engine or by a newer Lotse; a database holding data unless `replace`.
    """
    engine = engine_of(database_url)
    kind = kind_of(path)
    if kind != engine:
        raise BackupError(
            f"{path} is a {ENGINES[kind]} backup, but the configured database is "
            f"{ENGINES[engine]} ({shown(database_url)}): a backup restores into the engine "
            "that made it"
        )
    if engine == "sqlite" and _same_file(_sqlite_path(database_url), path):
        raise BackupError(f"{path} is the configured database itself")
    found = inspect_backup(path)
    held = tables_with_data(database_url)
    if held and not replace:
        raise BackupError(
            f"the database {shown(database_url)} holds data ({', '.join(held[:4])}"
            f"{', …' if len(held) > 4 else ''}): a restore replaces all of it; add --yes to "
            "replace it (`lotse backup` it first)"
        )
    get_engine(database_url).dispose()  # no pooled connection of ours in the way
    if engine == "sqlite":
        _sqlite_restore(path, _sqlite_path(database_url))
    else:
        backup_postgres.restore(database_url, path)
    get_engine(database_url).dispose()
    try:
        migrate.upgrade(database_url)
    except Exception as exc:
        raise BackupError(
            f"restored {path}, but migrating it from revision {found.revision} failed: {exc}",
            changed=True,
        ) from exc
    return Restored(found, migrate.current(database_url))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and a.samefile(b)
    except OSError:
        return False


def _sqlite_restore(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():  # phone numbers will live in it: the owner only
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    source = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    dest = sqlite3.connect(target, timeout=BUSY_SECONDS)
    try:
        _copy(source, dest)  # all pages in one step: the database is replaced or as it was
    except sqlite3.Error as exc:
        hint = " (is Lotse still running? stop it first)" if "locked" in str(exc) else ""
        raise BackupError(f"restoring into {target} failed: {exc}{hint}") from exc
    finally:
        dest.close()
        source.close()
