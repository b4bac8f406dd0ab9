"""SQLAlchemy 2 engine and sessions, shared by every adapter."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, Result, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from lotse.settings import load_settings


class Base(DeclarativeBase):
    """Declarative base of all Lotse tables."""


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout so several processes can share it."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # phone numbers live in it: the owner only (SQLite's -wal follows)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        # hide_parameters: an error never carries the values being written (a phone number)
        engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL's recommended durability: no fsync per commit, never corrupt; a power cut may
            # lose the last commits (docs/decisions.md; PostgreSQL for more)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB page cache: a large catalogue stays hot
            cur.execute("PRAGMA mmap_size=268435456")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def get_engine(url: str | None = None) -> Engine:
    """One engine per database URL and process (default: the configured `DATABASE_URL`)."""
    return _engine_for(url or load_settings().database_url)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


@lru_cache(maxsize=8)
def _sessionmaker_for(url: str) -> sessionmaker[Session]:
    return sessionmaker(_engine_for(url), expire_on_commit=False)


def get_sessionmaker(url: str | None = None) -> sessionmaker[Session]:
    return _sessionmaker_for(url or load_settings().database_url)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = get_sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


T = TypeVar("T")


async def in_session(work: Callable[[Session], T]) -> T:
    """Run blocking database work in a worker thread, so an event loop (the gateway, the action
    server) keeps serving while it waits; commits on success."""

    def run() -> T:
        with session_scope() as session:
            return work(session)

    return await asyncio.to_thread(run)


def affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE changed. Session.execute is typed as returning a plain Result;
    for data-changing statements it is a CursorResult, which knows its rowcount."""
    return int(getattr(result, "rowcount", 0) or 0)
