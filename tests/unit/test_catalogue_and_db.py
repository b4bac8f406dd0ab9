from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from lotse import catalogue, migrate
from lotse.buttons import issue_token, redeem_token
from lotse.conversations import choose_language, chosen_language, reply_language
from lotse.db import session_scope
from lotse.models import Offer

HEADER = "external_id,topic,municipality,name,address,phone,opening_hours,languages\n"


@pytest.fixture()
def empty_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate.upgrade(url)
    return url


def count(url: str) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(Offer))


def test_migrations_are_idempotent(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    assert migrate.current(empty_db) == "0002"


def test_demo_load_is_idempotent(empty_db: str) -> None:
    with session_scope(empty_db) as s:
        first = catalogue.load_demo_if_empty(s)
    with session_scope(empty_db) as s:
        assert catalogue.load_demo_if_empty(s) is None  # not empty any more: left alone
        again = catalogue.load_csv(s, catalogue.DEMO_CATALOGUE)
    assert first and first.created > 100
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("x1,weather,Lörrach,N,,,,de", ":2: topic: unknown topic"),
        ("x1,housing,,N,,,,de", ":2: municipality: must not be empty"),
        ("x1,housing,Lörrach,N,,,,deutsch", ":2: languages: not ISO 639-1"),
    ],
)
def test_a_bad_row_changes_nothing(empty_db: str, tmp_path: Path, row: str, reason: str) -> None:
    good = "ok1,housing,Lörrach,Good,,,,de\n"
    path = tmp_path / "import.csv"
    path.write_text(HEADER + row + "\n" + good, encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match=reason), session_scope(empty_db) as s:
        catalogue.load_csv(s, path)
    assert count(empty_db) == 0


def test_a_missing_column_is_reported(empty_db: str, tmp_path: Path) -> None:
    path = tmp_path / "import.csv"
    path.write_text("external_id,topic\nx,housing\n", encoding="utf-8")
    with (
        pytest.raises(catalogue.CatalogueError, match=r":1: .*municipality.*missing column"),
        session_scope(empty_db) as s,
    ):
        catalogue.load_csv(s, path)


def test_button_tokens_are_bound_to_their_conversation(empty_db: str) -> None:
    with session_scope(empty_db) as s:
        token = issue_token(s, "tg:1", "Wohnen", "/ask_housing")
    assert len(token.encode()) <= 64  # Telegram's callback_data limit
    with session_scope(empty_db) as s:
        assert redeem_token(s, "tg:1", token).payload == "/ask_housing"
        assert redeem_token(s, "tg:2", token) is None  # someone else's button
        assert redeem_token(s, "tg:1", "forged") is None
        assert redeem_token(s, "tg:1", "x" * 500) is None


def test_language_choice_and_reply_rule(empty_db: str) -> None:
    with session_scope(empty_db) as s:
        assert chosen_language(s, "tg:1") is None
        choose_language(s, "tg:1", "uk")
    with session_scope(empty_db) as s:
        assert chosen_language(s, "tg:1") == "uk"
        with pytest.raises(ValueError):
            choose_language(s, "tg:1", "xx")
    assert reply_language("uk", "ar", "en") == "uk"
    assert reply_language(None, "ar", "en") == "ar"
    assert reply_language(None, None, "en-GB") == "en"
    assert reply_language(None, None, "pt-BR") == "de"
    assert reply_language(None, None, None) == "de"
