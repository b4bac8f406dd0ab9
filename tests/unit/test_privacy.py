"""Deletion and retention in the core, with a controllable clock."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lotse import catalogue, conversations, privacy
from lotse.buttons import issue_token
from lotse.db import session_scope
from lotse.models import ButtonPayload, ConversationSettings, utcnow
from lotse.requests import callbacks, handoff, registry
from lotse.requests.models import CallbackRequest, OutboxMessage
from lotse.runtime import migrate
from tests.cells import cells_mentioning
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue

ANNA = 501


@pytest.fixture()
def url(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, _ = write_catalogue(tmp_path)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        registry.save_desk(s, "Landkreis Lörrach", -100)
        registry.save_facilitator(s, ANNA, "Anna", ["Landkreis Lörrach"], ["de"])
    return url


def a_conversation(url: str, chat: int, claimed: bool = False, closed: bool = False) -> int:
    cid = f"tg:{chat}"
    with session_scope(url) as s:
        conversations.choose_language(s, cid, "ar")
        privacy.notice_shown(s, cid)
        issue_token(s, cid, "Wohnen", "/ask_housing")
        request = callbacks.book(
            s,
            callbacks.Booking(
                cid,
                chat,
                "housing",
                "Lörrach",
                "ar",
                date(2026, 11, 24),
                "am",
                "phone",
                "+49 170 5550000",
            ),
        )
        if claimed or closed:
            anna = callbacks.facilitator(s, ANNA)
            callbacks.claim(s, request.id, anna)
            handoff.start_chat(s, request, anna)
            handoff.relay_to_facilitator(s, request, "مرحبا، اسمي أحمد")
            if closed:
                callbacks.close(s, request, anna, "reached", "called back")
        return request.id


def test_deletion_leaves_no_row_about_the_person(url: str) -> None:
    request_id = a_conversation(url, 4242, claimed=True)
    other = a_conversation(url, 7777)
    markers = {"tg:4242", "4242", "+49 170 555 4242", "اسمي أحمد"}
    assert cells_mentioning(url, markers)
    with session_scope(url) as s:
        erased = privacy.erase_conversation(s, "tg:4242")
    assert erased.requests_withdrawn == 1 and erased.settings == 1
    assert cells_mentioning(url, markers) == []
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        assert request.status == "cancelled" and request.topic == "housing"  # statistics stay
        assert handoff.handoff_for_client(s, "tg:4242") is None
        notices = [
            m.text for m in s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == ANNA))
        ]
        assert any("zurückgezogen" in t for t in notices)
        assert s.get(CallbackRequest, other).conversation_id == "tg:7777"  # others untouched


def test_closed_requests_are_kept_only_anonymised(url: str) -> None:
    request_id = a_conversation(url, 5151, closed=True)
    with session_scope(url) as s:
        privacy.erase_conversation(s, "tg:5151")
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        assert (request.conversation_id, request.client_chat_id, request.phone, request.note) == (
            "",
            0,
            None,
            "",
        )
        assert request.outcome == "reached" and request.region == "Landkreis Lörrach"


def test_retention_with_a_controllable_clock(url: str) -> None:
    open_id = a_conversation(url, 1001)
    closed_id = a_conversation(url, 1002, closed=True)
    with session_scope(url) as s:
        privacy.give_consent(s, "tg:1001")
        privacy.give_consent(s, "tg:1002")
        conversations.choose_language(s, "tg:1003", "de")  # no consent given
    now = utcnow()
    with session_scope(url) as s:
        assert privacy.purge_expired(s, now + timedelta(days=30), days=90)["conversations"] == 1
        assert s.get(ConversationSettings, "tg:1003") is None  # unconsented: one day only
        assert s.get(ConversationSettings, "tg:1002") is not None
    with session_scope(url) as s:
        done = privacy.purge_expired(s, now + timedelta(days=91), days=90)
        assert done["requests_anonymised"] == 1
        assert s.get(CallbackRequest, closed_id).client_chat_id == 0
        assert s.get(ConversationSettings, "tg:1002") is None
        # an open request keeps its conversation until it is closed
        assert s.get(ConversationSettings, "tg:1001") is not None
        assert s.get(CallbackRequest, open_id).client_chat_id == 1001
        assert (
            s.scalars(select(ButtonPayload).where(ButtonPayload.conversation_id == "tg:1002")).all()
            == []
        )


def test_deletion_reaches_the_question_log_and_its_review_queue(url: str) -> None:
    """The person's misunderstood questions and corrections go with /delete (issue 14, item 3);
    the anonymous counts stay, and nothing in the log names the conversation."""
    from lotse import insights

    mine, other = "tg:7001", "tg:7002"
    with session_scope(url) as s:
        insights.record(
            s,
            text="wo wohnung bitte",
            intent="nlu_fallback",
            confidence=0.2,
            language="de",
            conversation_id=mine,
        )
        insights.record_correction(
            s,
            text="Kurs für Deutsch, Tel 0176 1234567",
            label="ask_language_course",
            language="de",
            conversation_id=mine,
        )
        insights.record(
            s,
            text="arzt neukölln",
            intent="nlu_fallback",
            confidence=0.3,
            language="de",
            conversation_id=other,
        )
    with session_scope(url) as s:
        texts = {q.text for q in insights.review_queue(s)}
        assert "Kurs für Deutsch, Tel [number]" in texts  # masked before storing
        columns = insights.QuestionLog.__table__.columns
        rows = s.scalars(select(insights.QuestionLog)).all()
        stored = " ".join(str(getattr(q, c.key)) for q in rows for c in columns)
        assert mine not in stored  # a keyed hash, never the id
        erased = privacy.erase_conversation(s, mine)
    assert erased.questions == 2
    with session_scope(url) as s:
        texts = {q.text for q in insights.review_queue(s)}
        assert texts == {"arzt neukölln"}
        assert "ask_language_course" not in insights.training_examples(s)
        assert len(s.scalars(select(insights.QuestionLog)).all()) >= 3  # the counts stay
