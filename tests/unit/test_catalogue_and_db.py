from __future__ import annotations

from pathlib import Path

import pytest

from lotse.buttons import issue_token, redeem_token
from lotse.conversations import choose_language, chosen_language, reply_language
from lotse.db import session_scope
from lotse.runtime import migrate
from tests.conftest import fresh_database_url


@pytest.fixture()
def empty_db(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    return url


def test_migrations_are_idempotent(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    assert migrate.current(empty_db) == "0017"


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
