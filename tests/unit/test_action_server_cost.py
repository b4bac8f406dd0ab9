"""The action server's CPU per turn (issue 15, bench): what each saving keeps exactly as it was.

Keywords are looked up by their first letters instead of all being tried on every message; the
offers of a topic and place are loaded once per catalogue revision and shared; the revision, the
question log's key and its row are read and written as prebuilt Core statements. Each test holds
the behaviour the saving must not change, and the property that makes it cheaper.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from actions.cards import card
from lotse import insights
from lotse.catalogue.features import _feature_index, feature_keywords, match_features
from lotse.catalogue.hsds import Service, catalogue_revision
from lotse.catalogue.offers import OfferQuery, find_offers, questions_to_ask
from lotse.catalogue.taxonomy import load_taxonomy, match_subtopic, mentions
from lotse.db import session_scope
from lotse.settings import PROJECT_ROOT
from lotse.text import fold

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TOPICS = (
    None,
    "work",
    "housing",
    "education",
    "language_course",
    "authorities",
    "health",
    "community",
)


def training_texts(limit_per_file: int = 150) -> list[str]:
    """Real client messages in all eight languages: the NLU examples (read only)."""
    texts: list[str] = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            examples = str(item.get("examples") or "")
            lines = [line.removeprefix("- ").strip() for line in examples.splitlines()]
            texts += [line for line in lines if line][:limit_per_file]
    return texts


def subtopic_by_trying_every_keyword(text: str, topic: str | None) -> str | None:
    """match_subtopic as it was: every keyword of every term tried on the text."""
    words = fold(text).split()
    best: tuple[int, str] | None = None
    for term in load_taxonomy().values():
        if term.parent is None or (topic and term.parent != topic):
            continue
        for keyword in term.keywords:
            if words and mentions(words, keyword):
                score = sum(len(w) for w in keyword)
                if best is None or score > best[0]:
                    best = (score, term.code)
    return best[1] if best else None


def features_by_trying_every_keyword(text: str) -> frozenset[str]:
    words = fold(text).split()
    return frozenset(
        code
        for code, keywords in feature_keywords().items()
        if words and any(mentions(words, k) for k in keywords)
    )


def test_the_keyword_index_finds_what_trying_every_keyword_finds() -> None:
    """Every 25th training example (~540 in eight languages; trying every keyword costs ~5 ms
    a message, the reason for the index), plus inflected forms."""
    texts = training_texts()[::25]
    assert len(texts) > 400
    extra = ["Kitas", "Anerkennungen", "дитсадку", "Kita-Platz", "", "  ", "?!"]
    for number, text in enumerate(texts + extra):
        assert match_features(text) == features_by_trying_every_keyword(text), text
        topics = TOPICS if number % 10 == 0 else TOPICS[:1]
        for topic in topics:
            assert match_subtopic(text, topic) == subtopic_by_trying_every_keyword(text, topic), (
                text,
                topic,
            )


def test_a_message_is_checked_against_few_keywords() -> None:
    words = fold("Ich suche einen Deutschkurs mit Kinderbetreuung am Abend in Lörrach").split()
    every = sum(len(k) for k in feature_keywords().values())
    tried = _feature_index().candidates(words)
    assert ("childcare", ("kinderbetreuung",)) in tried
    assert len(tried) * 10 < every


@contextmanager
def counted_queries(session: Session) -> Iterator[list[str]]:
    """The SQL statements run on the session's engine meanwhile."""
    statements: list[str] = []
    engine = session.get_bind().engine

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_offers_are_loaded_once_per_revision_and_cards_stay_the_same(database_url: str) -> None:
    query = OfferQuery(topic="language_course", place="Lörrach", language="ar", now=NOW)
    with session_scope(database_url) as session:
        own = find_offers(session, query)
        expected = [card(o, "ar", NOW) for o in own.offers]
    with session_scope(database_url) as session:
        first = find_offers(session, query, shared=True)
    with session_scope(database_url) as session:
        with counted_queries(session) as statements:
            again = find_offers(session, query, shared=True)
        assert not session.identity_map  # the shared services are not the session's
    assert [card(o, "ar", NOW) for o in first.offers] == expected
    assert [card(o, "ar", NOW) for o in again.offers] == expected
    assert [o.service for o in again.offers] == [o.service for o in first.offers]
    assert not [s for s in statements if "FROM service" in s]  # only the revision was read


def test_an_edited_offer_is_searched_at_once(database_url: str) -> None:
    query = OfferQuery(topic="language_course", place="Lörrach", now=NOW)
    with session_scope(database_url) as session:
        before = find_offers(session, query, shared=True).offers[-1].service
        revision = catalogue_revision(session)
    with session_scope(database_url) as session:  # as the admin edits it
        service = session.get(Service, before.id)
        assert service is not None
        old_name, service.name = service.name, "Kurs, eben bearbeitet"
    try:
        with session_scope(database_url) as session:
            assert catalogue_revision(session) == revision + 1
            offers = find_offers(session, query, shared=True).offers
        edited = next(o for o in offers if o.service.id == before.id)
        assert card(edited, "de", NOW)["name"] == "Kurs, eben bearbeitet"
        assert before.name == old_name  # what an earlier answer holds stays as it was
    finally:
        with session_scope(database_url) as session:
            restored = session.get(Service, before.id)
            assert restored is not None
            restored.name = old_name


def test_the_caller_rolling_back_leaves_the_shared_offers_readable(database_url: str) -> None:
    query = OfferQuery(topic="work", place="Neukölln", now=NOW)
    with pytest.raises(RuntimeError), session_scope(database_url) as s:
        questions_to_ask(s, query)  # loads them into the shared cache
        raise RuntimeError("the action failed")
    with session_scope(database_url) as s:
        offers = find_offers(s, query, shared=True).offers
    assert offers and all(card(o, "de", NOW)["name"] for o in offers)


def test_a_pending_catalogue_change_moves_the_revision_it_reads(database_url: str) -> None:
    with session_scope(database_url) as session:
        revision = catalogue_revision(session)
    with session_scope(database_url) as session:
        service = session.scalars(select(Service).limit(1)).one()
        service.description += " "
        assert catalogue_revision(session) == revision + 1  # flushed first, as a query would
        session.rollback()


def test_a_question_is_logged_without_the_unit_of_work(database_url: str) -> None:
    with session_scope(database_url) as session:
        insights.record(
            session,
            text="Wohnung in Lörrach, Tel. 0176 1234567?",
            intent="nlu_fallback",
            confidence=0.3,
            language="de",
            topic="housing",
            region="Landkreis Lörrach",
            conversation_id="tg:777",
            now=NOW,
        )
        assert not session.new and not session.identity_map
        key = insights.conversation_key(session, "tg:777")
    with session_scope(database_url) as session:
        row = session.scalars(
            select(insights.QuestionLog).where(insights.QuestionLog.conversation_key == key)
        ).one()
        assert (row.language, row.intent, row.topic, row.region) == (
            "de",
            "nlu_fallback",
            "housing",
            "Landkreis Lörrach",
        )
        assert row.low_confidence and row.text == "Wohnung in Lörrach, Tel. [number]?"
        assert row.at.replace(tzinfo=UTC) == NOW and row.day == NOW.date() and row.label is None
        assert insights.erase_conversation(session, "tg:777") == 1


def test_a_database_without_the_key_gets_one(tmp_path: Path) -> None:
    from lotse.db import Base

    url = f"sqlite:///{tmp_path / 'bare.db'}"
    with session_scope(url) as session:
        Base.metadata.create_all(session.connection())
        first = insights.conversation_key(session, "tg:1")
        assert first == insights.conversation_key(session, "tg:1")
    with session_scope(url) as session:
        assert insights.conversation_key(session, "tg:1") == first


def test_an_actions_database_work_runs_on_the_loops_thread_and_commits(db: str) -> None:
    """No hand-over to a worker thread: under load each one waited for the GIL, and an action
    call took 20-104 ms instead of 2 (docs/decisions.md). What the work writes is committed."""
    import asyncio
    import threading

    from actions.common import in_session

    def work(session: Session) -> int:
        insights.record(session, text="a check", intent="ask_work", confidence=0.9, language="de")
        return threading.get_ident()

    async def run() -> tuple[int, int]:
        return threading.get_ident(), await in_session(work)

    def logged(session: Session) -> int:
        return len(session.scalars(select(insights.QuestionLog.id)).all())

    with session_scope(db) as session:
        before = logged(session)
    caller, worker = asyncio.run(run())
    assert worker == caller
    with session_scope(db) as session:
        assert logged(session) == before + 1
