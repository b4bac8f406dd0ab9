"""Case work in the core (issue 18): consent, routing to one's own facilitator, handover,
who may see a case, erasure and retention, the funder's counts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lotse import catalogue, privacy
from lotse.cases import assessment, cases, plan, report, routing
from lotse.cases.models import AssessmentField, Case, CaseEvent, PlanStep, PlanVersion
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.protocol import CASE_PREFIX
from lotse.requests import callbacks, registry
from lotse.requests.models import CallbackRequest, Facilitator, OutboxMessage
from lotse.runtime import migrate
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue

DESK_CHAT, BERLIN_DESK = -1001, -1002
ANNA, BORIS, NORA, COORDINATOR = 501, 502, 503, 700
CLIENT = 42


@pytest.fixture()
def url(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, offers = write_catalogue(tmp_path)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
        registry.save_desk(s, "Landkreis Lörrach", DESK_CHAT, COORDINATOR)
        registry.save_desk(s, "Berlin", BERLIN_DESK)
        registry.save_facilitator(s, ANNA, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
        registry.save_facilitator(s, BORIS, "Boris", ["Landkreis Lörrach"], ["de", "ru"])
        registry.save_facilitator(s, NORA, "Nora", ["Berlin"], ["de"])
        registry.save_facilitator(s, COORDINATOR, "Cora", ["Baden-Württemberg"], ["de"])
    return url


def booking(**changes: object) -> callbacks.Booking:
    values: dict[str, object] = dict(
        conversation_id=f"tg:{CLIENT}",
        client_chat_id=CLIENT,
        topic="housing",
        place="Lörrach",
        language="ar",
        preferred_day=date(2026, 11, 24),
        preferred_part="am",
    )
    values.update(changes)
    return callbacks.Booking(**values)  # type: ignore[arg-type]


def person(s, telegram_id: int) -> Facilitator:
    found = callbacks.facilitator(s, telegram_id)
    assert found is not None
    return found


def texts_to(url: str, chat_id: int) -> list[OutboxMessage]:
    with session_scope(url) as s:
        rows = s.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
        return [r for r in rows]


def open_case(url: str, **changes: object) -> int:
    """Book, Anna takes it, the client is asked and says yes."""
    with session_scope(url) as s:
        request = routing.book(s, booking(**changes))
        result = callbacks.claim(s, request.id, person(s, ANNA))
        case = cases.ask_consent(s, result.request, person(s, ANNA))
        assert case is not None
        case_id = case.id
    conversation = str(changes.get("conversation_id", f"tg:{CLIENT}"))
    with session_scope(url) as s:
        assert cases.answer_consent(s, conversation, case_id, True) == "opened"
    return case_id


def test_the_client_is_asked_what_is_kept_by_whom_and_how_long_in_their_language(url: str) -> None:
    with session_scope(url) as s:
        request = routing.book(s, booking())
        result = callbacks.claim(s, request.id, person(s, ANNA))
        case = cases.ask_consent(s, result.request, person(s, ANNA))
        assert case is not None and case.status == "proposed" and case.consent_at is None
    question = texts_to(url, CLIENT)[-1]
    assert "Anna" in question.text and "90" in question.text and "/delete" in question.text
    assert "هل توافقون" in question.text  # Arabic, the request's language
    payloads = [b["payload"] for row in question.buttons for b in row]
    assert payloads == [f"{CASE_PREFIX}yes:{case.id}", f"{CASE_PREFIX}no:{case.id}"]


def test_yes_opens_the_case_with_consent_and_its_date_no_deletes_the_proposal(url: str) -> None:
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert case.status == "open" and case.consent_at is not None
        assert "Anna" in case.consent_text and case.facilitator.display_name == "Anna"
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
        assert kinds == ["opened"]
        # a second press of an old button changes nothing
        assert cases.answer_consent(s, f"tg:{CLIENT}", case_id, False) == "expired"
    with session_scope(url) as s:
        request = routing.book(s, booking(conversation_id="tg:43", client_chat_id=43))
        result = callbacks.claim(s, request.id, person(s, BORIS))
        other = cases.ask_consent(s, result.request, person(s, BORIS))
        assert other is not None
        other_id = other.id
    with session_scope(url) as s:
        assert cases.answer_consent(s, "tg:99", other_id, True) == "expired"  # not theirs
        assert cases.answer_consent(s, "tg:43", other_id, False) == "declined"
    with session_scope(url) as s:
        assert s.get(Case, other_id) is None
    assert "keine Fallakte" in texts_to(url, BORIS)[-1].text


def test_the_next_request_goes_to_the_own_facilitator_first_then_the_desk(url: str) -> None:
    open_case(url)
    with session_scope(url) as s:
        request = routing.book(s, booking(topic="work"))
        request_id = request.id
    desk_posts = [m for m in texts_to(url, DESK_CHAT) if m.request_id == request_id]
    assert desk_posts == []
    direct = [m for m in texts_to(url, ANNA) if m.request_id == request_id]
    assert len(direct) == 1 and direct[0].buttons[0][0]["payload"] == f"@desk:take:{request_id}"
    later = utcnow() + timedelta(minutes=20)
    with session_scope(url) as s:
        assert routing.fall_back_to_desk(s, utcnow(), timedelta(minutes=15)) == 0  # not yet
        assert routing.fall_back_to_desk(s, later, timedelta(minutes=15)) == 1
        assert routing.fall_back_to_desk(s, later, timedelta(minutes=15)) == 0  # once
    assert len([m for m in texts_to(url, DESK_CHAT) if m.request_id == request_id]) == 1


def test_a_request_taken_by_the_own_facilitator_never_reaches_the_desk(url: str) -> None:
    case_id = open_case(url)
    with session_scope(url) as s:
        request_id = routing.book(s, booking(topic="work")).id
    with session_scope(url) as s:
        result = callbacks.claim(s, request_id, person(s, ANNA))
        assert cases.ask_consent(s, result.request, person(s, ANNA)) is None  # has a case
    with session_scope(url) as s:
        assert routing.fall_back_to_desk(s, utcnow() + timedelta(hours=1), timedelta(0)) == 0
        history = [
            e.text
            for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))
            if e.kind == "request"
        ]
        assert history == [s.get(CallbackRequest, request_id).reference]


def test_an_urgent_request_goes_to_the_desk_at_once(url: str) -> None:
    open_case(url)
    with session_scope(url) as s:
        request_id = routing.book(s, booking(urgent=True)).id
    assert [m for m in texts_to(url, DESK_CHAT) if m.request_id == request_id]


def test_handover_to_a_named_colleague_tells_the_client_who_is_responsible(url: str) -> None:
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert cases.colleague(s, "nora", case) is None  # Berlin does not serve Lörrach
        boris = cases.colleague(s, "boris", case)
        assert boris is not None
        cases.handover(s, case, person(s, ANNA), boris, "Wohnungssuche läuft, Termin 3.2.")
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert case.facilitator.display_name == "Boris"
        with pytest.raises(cases.CaseError):
            cases.handover(s, case, person(s, BORIS), person(s, BORIS), "")
    assert "Boris" in texts_to(url, CLIENT)[-1].text and "Anna" in texts_to(url, CLIENT)[-1].text
    assert "Wohnungssuche läuft" in texts_to(url, BORIS)[-1].text


def test_a_handover_by_a_stand_in_tells_the_one_who_held_the_case(url: str) -> None:
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        cases.handover(s, case, person(s, COORDINATOR), person(s, BORIS), "Anna ist krank")
        reference = case.reference
    told = texts_to(url, ANNA)[-1].text
    assert told == f"Cora hat Fallakte {reference} an Boris übergeben; Boris ist jetzt zuständig."
    assert "krank" not in told  # the note is for the new holder only
    assert "Anna ist krank" in texts_to(url, BORIS)[-1].text
    with session_scope(url) as s:  # handing over one's own case: no message to oneself
        case = s.get(Case, case_id)
        before = len(texts_to(url, BORIS))
        cases.handover(s, case, person(s, BORIS), person(s, ANNA), "zurück")
    assert len(texts_to(url, BORIS)) == before


def test_who_may_see_a_case(url: str) -> None:
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert cases.may_see(s, person(s, ANNA), case)  # own
        assert cases.may_see(s, person(s, BORIS), case)  # the same desk
        assert not cases.may_see(s, person(s, NORA), case)  # another region
        assert cases.may_see(s, person(s, COORDINATOR), case)  # coordinator of the region
        boris = person(s, BORIS)
        registry.deactivate_facilitator(s, BORIS)
        assert not cases.may_see(s, boris, case)  # no longer active


def test_delete_erases_case_assessment_plan_and_tells_the_facilitator_without_content(
    url: str,
) -> None:
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assessment.set_field(s, case, "german_level", "b1", "client")
        plan.add_goal(s, case, "housing", "Eine eigene Wohnung", "Anna")
        plan.add_step(s, case, area="housing", by="Anna", step_text="Wohnungsamt anrufen")
        plan.review(s, case, "Anna", "Erster Plan", date.today() + timedelta(days=30))
        reference = case.reference
    with session_scope(url) as s:
        erased = privacy.erase_conversation(s, f"tg:{CLIENT}")
        assert erased.cases == 1
    with session_scope(url) as s:
        for table in (Case, AssessmentField, PlanStep, PlanVersion, CaseEvent):
            assert s.scalar(select(func.count()).select_from(table)) == 0, table
    notice = texts_to(url, ANNA)[-1].text
    assert reference in notice and "Wohnung" not in notice and "B1" not in notice


def test_a_closed_case_is_deleted_after_retention_an_open_one_stays(url: str) -> None:
    closed_id = open_case(url)
    with session_scope(url) as s:
        cases.close_case(s, s.get(Case, closed_id), person(s, ANNA))
    open_id = open_case(url, conversation_id="tg:44", client_chat_id=44)
    with session_scope(url) as s:
        privacy.purge_expired(s, utcnow() + timedelta(days=10), days=90)
    with session_scope(url) as s:
        assert s.get(Case, closed_id) is not None
        privacy.purge_expired(s, utcnow() + timedelta(days=91), days=90)
    with session_scope(url) as s:
        assert s.get(Case, closed_id) is None and s.get(Case, open_id) is not None


def test_the_funder_report_has_counts_only_and_hides_small_ones(url: str) -> None:
    for n in range(6):
        open_case(url, conversation_id=f"tg:{100 + n}", client_chat_id=100 + n)
    with session_scope(url) as s:
        case = s.scalars(select(Case)).first()
        plan.add_step(s, case, area="work", by="Anna", step_text="Anerkennung beantragen")
        rows = report.rows(s)
        text = report.csv_text(s)
    quarter = report.quarter(utcnow())
    assert ("cases_opened", quarter, "", "6") in rows
    assert ("steps", "work", "planned", "<5") in rows
    assert ("plans_with_reviews", "all", "", "<5") in rows
    assert "Anerkennung" not in text and "tg:" not in text and "Anna" not in text
