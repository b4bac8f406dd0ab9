"""PostgreSQL backups with its own client tools: pg_dump (custom format), pg_restore and psql.

The tools are Debian's postgresql-client (scripts/install-pg-client), found under
/usr/lib/postgresql/<version>/bin (the newest first, as scripts/start-postgres installs them) or on
PATH. The password goes to them in the environment, never on the command line.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from lotse.db import get_engine

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
"""Where Debian's postgresql-client puts its tools (one folder per version); then PATH."""
LOCK_TIMEOUT = "15s"
"""A restore waits this long for tables a running Lotse holds, then gives up unchanged."""


class BackupError(Exception):
    """A refusal or failure with a message for the operator."""

    def __init__(self, message: str, changed: bool = False) -> None:
        super().__init__(message)
        self.changed = changed
        """False: the database is exactly as it was."""


def find_tool(name: str) -> str:
    """The newest Debian postgresql-client's `name`, else the one on PATH."""
    folders = sorted(glob.glob(PG_BIN_GLOB), key=_version_of, reverse=True)
    for folder in folders:
        candidate = Path(folder) / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        f"{name} not found (looked in {PG_BIN_GLOB} and PATH): install PostgreSQL's client "
        "tools, at least the server's version (scripts/install-pg-client: Debian's "
        "postgresql-client)"
    )


def _version_of(folder: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", Path(folder).parent.name))


def libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment carrying it (never on the command
    line, where `ps` shows it)."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    return plain.render_as_string(hide_password=False), env


def _reason(stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    reason = " / ".join(lines[-3:]) or "no message"
    if "version mismatch" in reason:
        reason += " (install the client tools of the server's version)"
    return reason


def dump(database_url: str, out: IO[bytes]) -> None:
    dbname, env = libpq(database_url)
    done = subprocess.run(
        [find_tool("pg_dump"), "--format=custom", f"--dbname={dbname}"],
        stdout=out,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {_reason(done.stderr)}")


def _listing(path: Path, *args: str) -> str:
    done = subprocess.run(
        [find_tool("pg_restore"), *args, str(path)], capture_output=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{path} is damaged or not a pg_dump file: {_reason(done.stderr)}")
    return done.stdout.decode("utf-8", "replace")


def revisions(path: Path) -> list[str] | None:
    listing = _listing(path, "--list")
    if not re.search(r"^\d+; \d+ \d+ TABLE \S+ alembic_version ", listing, re.MULTILINE):
        return None
    script = _listing(path, "--data-only", "--table=alembic_version", "--file=-")
    rows, copying = [], False
    for line in script.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            copying = True
        elif copying and line == "\\.":
            break
        elif copying and line:
            rows.append(line.split("\t")[0])
    return rows


def restore(database_url: str, path: Path) -> None:
    """pg_restore writes SQL, psql runs it after dropping the old tables, in one transaction:
    COMMIT is sent only when pg_restore read the whole file, so a failure changes nothing."""
    restore_tool, psql_tool = find_tool("pg_restore"), find_tool("psql")
    dbname, env = libpq(database_url)
    engine = get_engine(database_url)
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    quote_name = engine.dialect.identifier_preparer.quote
    prologue = f"BEGIN;\nSET lock_timeout = '{LOCK_TIMEOUT}';\n"
    if tables:
        prologue += f"DROP TABLE IF EXISTS {', '.join(map(quote_name, tables))} CASCADE;\n"
    with tempfile.TemporaryFile() as psql_errors, tempfile.TemporaryFile() as restore_errors:
        psql = subprocess.Popen(
            [psql_tool, "-X", "-q", "-v", "ON_ERROR_STOP=1", f"--dbname={dbname}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        reader = subprocess.Popen(
            [restore_tool, "--no-owner", "--no-privileges", "--file=-", str(path)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        assert psql.stdin is not None and reader.stdout is not None
        committed = False
        try:
            psql.stdin.write(prologue.encode())
            shutil.copyfileobj(reader.stdout, psql.stdin)
            if reader.wait() == 0:
                psql.stdin.write(b"COMMIT;\n")
                committed = True
        except BrokenPipeError:  # psql stopped at an error: its transaction is rolled back
            pass
        finally:
            if reader.poll() is None:
                reader.kill()
            reader.wait()
            reader.stdout.close()
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            psql.wait()
        if reader.returncode != 0:
            restore_errors.seek(0)
            raise BackupError(f"pg_restore failed: {_reason(restore_errors.read())}")
        if psql.returncode != 0 or not committed:
            psql_errors.seek(0)
            reason = _reason(psql_errors.read())
            hint = " (is Lotse still running? stop it first)" if "lock timeout" in reason else ""
            raise BackupError(f"restoring into the database failed: {reason}{hint}")
