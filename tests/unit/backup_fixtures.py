"""A database with every kind of row Lotse keeps, and how to compare two (tests of backups)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, func, select

from lotse import catalogue, conversations, insights, privacy
from lotse.audit import acting_as
from lotse.buttons import issue_token
from lotse.catalogue.hsds import Service
from lotse.db import get_engine, session_scope
from lotse.requests import callbacks, handoff, registry
from lotse.runtime import migrate
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
        metadata = MetaData()
        metadata.reflect(conn)
        empty = [  # parents first, so a made-up row's foreign keys find a row
            t
            for t in metadata.sorted_tables
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


def suffix() -> str:
    return ".pgdump" if POSTGRES else ".sqlite3"


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def filled_database(directory: Path) -> str:
    """A migrated database with a row in every table."""
    url = fresh_database_url(directory / "source")
    migrate.upgrade(url)
    fill(url, directory)
    fill_the_rest(url)
    return url
