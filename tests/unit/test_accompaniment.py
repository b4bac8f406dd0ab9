"""Accompaniment requests and volunteers (issue 19): registration, offering by region and
language, taking (one wins), reminders the day before, the client's cancel, the outcome, and
/delete and retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from actions.accompaniment import parse_day, parse_time
from lotse.accompaniment import offering, requests, volunteers
from lotse.accompaniment.models import Accompaniment, Volunteer
from lotse.accompaniment.privacy import purge_accompaniments
from lotse.catalogue.schedule import BERLIN
from lotse.privacy import erase_conversation
from lotse.requests import registry
from lotse.requests.models import OutboxMessage
from lotse.runtime import cli

DESK_CHAT = -100777
APPOINTMENT = datetime(2026, 12, 8, 9, 30, tzinfo=BERLIN)
ROUND = timedelta(minutes=15)


@pytest.fixture()
def region(session) -> None:
    registry.save_desk(session, "Landkreis Lörrach", DESK_CHAT)
    volunteers.save_volunteer(
        session, 501, "Amal", ["Landkreis Lörrach"], ["de", "ar"], ["accompaniment"]
    )
    volunteers.save_volunteer(session, 502, "Bernd", ["Lörrach"], ["de", "en"], ["accompaniment"])
    volunteers.save_volunteer(session, 503, "Chris", ["Lörrach"], ["de", "ar"], ["language_cafe"])
    volunteers.save_volunteer(session, 504, "Dana", ["Berlin"], ["de", "ar"], ["accompaniment"])
    session.flush()


def book(session, conversation: str = "tg:9001", language: str = "ar") -> Accompaniment:
    return requests.book(
        session,
        requests.Booking(
            conversation_id=conversation,
            client_chat_id=int(conversation.removeprefix("tg:")),
            kind="authority",
            address="Jobcenter, Hauptstraße 5",
            appointment_at=APPOINTMENT,
            place="Lörrach",
            language=language,
        ),
    )


def sent_to(session, chat_id: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
    )


def test_registration_refuses_what_it_cannot_use(session) -> None:
    with pytest.raises(volunteers.VolunteerError, match="unknown region"):
        volunteers.save_volunteer(session, 600, "X", ["Atlantis"], ["de"], ["accompaniment"])
    with pytest.raises(volunteers.VolunteerError, match="unknown skill"):
        volunteers.save_volunteer(session, 600, "X", ["Lörrach"], ["de"], ["cooking"])
    with pytest.raises(volunteers.VolunteerError, match="language"):
        volunteers.save_volunteer(session, 600, "X", ["Lörrach"], ["zz"], ["mentoring"])
    with pytest.raises(volunteers.VolunteerError, match="name"):
        volunteers.save_volunteer(session, 600, " ", ["Lörrach"], ["de"], ["mentoring"])
    assert session.scalar(select(Volunteer).where(Volunteer.telegram_user_id == 600)) is None


def test_lotse_volunteer_add_and_list(db, capsys) -> None:
    args = ["volunteer", "add", "--telegram-id", "611", "--name", "Farida",
            "--regions", "Berlin|Lörrach", "--languages", "de,fa",
            "--skills", "accompaniment,mentoring"]  # fmt: skip
    assert cli.main(args) == 0
    assert cli.main(["volunteer", "list"]) == 0
    out = capsys.readouterr().out
    assert "Farida" in out and "accompaniment,mentoring" in out
    assert cli.main([*args[:-1], "juggling"]) == 2
    assert "unknown skill" in capsys.readouterr().err
    assert cli.main(["volunteer", "remove", "--telegram-id", "611"]) == 0


def test_an_arabic_request_goes_first_to_the_arabic_speaking_volunteer_then_to_everyone(
    session, region
) -> None:
    request = book(session)
    chats = {chat for chat, _ in request.posts}
    assert chats == {501}  # not Bernd (no Arabic), Chris (no accompaniment), Dana (Berlin)
    assert request.language_round_at is not None
    post = sent_to(session, 501)[-1]
    assert "Jobcenter" not in post.text and "Hauptstraße" not in post.text  # the address: later
    assert "weil Sie Arabisch sprechen" in post.text
    assert post.buttons[0][0]["payload"] == f"@acc:take:{request.id}"
    assert not sent_to(session, DESK_CHAT) and not sent_to(session, 502)

    start = request.language_round_at
    assert offering.post_after_round(session, start + timedelta(minutes=14), ROUND) == 0
    assert offering.post_after_round(session, start + timedelta(minutes=15), ROUND) == 1
    assert offering.post_after_round(session, start + timedelta(minutes=16), ROUND) == 0  # once
    assert [chat for chat, _ in request.posts] == [501, DESK_CHAT, 502]
    desk_post = sent_to(session, DESK_CHAT)[-1]
    assert "🗣 Arabisch sprechen: Amal" in desk_post.text
    assert "zuerst" not in sent_to(session, 502)[-1].text
    assert len(sent_to(session, 501)) == 1  # Amal had it already


def test_without_a_speaker_of_the_language_every_volunteer_of_the_region_gets_it(
    session, region
) -> None:
    request = book(session, "tg:9002", language="tr")
    assert {chat for chat, _ in request.posts} == {DESK_CHAT, 501, 502}


def test_one_companion_takes_it_and_sees_the_address(session, region) -> None:
    request = book(session, "tg:9003")
    amal = requests.companion(session, 501, request)
    assert amal is not None and amal.role == "volunteer"
    assert requests.companion(session, 504, request) is None  # a Berlin volunteer
    assert requests.companion(session, 503, request) is None  # no accompaniment skill
    assert requests.claim(session, request, amal)
    assert not requests.claim(session, request, amal)  # the second press changes nothing
    assert request.status == "claimed" and request.companion_name == "Amal"
    details = sent_to(session, 501)[-1]
    assert "Hauptstraße 5" in details.text and "openstreetmap.org" in details.text
    told = sent_to(session, 9003)[-1]
    assert "Amal" in told.text and told.buttons[0][0]["payload"] == f"@acc:cancel:{request.id}"


def test_reminders_the_day_before_and_the_outcome_afterwards(session, region) -> None:
    volunteers.save_volunteer(session, 505, "Emre", ["Lörrach"], ["de", "ar"], ["accompaniment"])
    request = book(session, "tg:9004")
    requests.claim(session, request, requests.companion(session, 505, request))

    def count() -> tuple[int, int]:
        return len(sent_to(session, 9004)), len(sent_to(session, 505))

    before = count()
    requests.send_due(session, APPOINTMENT - timedelta(hours=30))  # too early
    assert count() == before
    requests.send_due(session, APPOINTMENT - timedelta(hours=20))
    assert count() == (before[0] + 1, before[1] + 1)
    requests.send_due(session, APPOINTMENT - timedelta(hours=19))  # once only
    assert count() == (before[0] + 1, before[1] + 1)
    for chat in (9004, 505):
        reminder = sent_to(session, chat)[-1]
        assert "Hauptstraße 5" in reminder.text and "openstreetmap.org" in reminder.text
    assert sent_to(session, 9004)[-1].buttons[0][0]["payload"] == f"@acc:cancel:{request.id}"
    requests.send_due(session, APPOINTMENT + timedelta(hours=3))
    question = sent_to(session, 505)[-1]
    assert [b["payload"] for b in question.buttons[0]] == [
        f"@acc:outcome:{request.id}:yes",
        f"@acc:outcome:{request.id}:no",
    ]
    assert not requests.record_outcome(session, request, 502, True)  # not theirs
    assert requests.record_outcome(session, request, 505, True)
    assert (request.status, request.took_place) == ("done", True)


def test_the_client_cancels_and_the_companion_is_told(session, region) -> None:
    request = book(session, "tg:9005")
    requests.claim(session, request, requests.companion(session, 501, request))
    assert requests.cancel_by_client(session, "tg:9999", request.id) is None  # someone else's
    assert requests.cancel_by_client(session, "tg:9005", request.id) is not None
    assert request.status == "cancelled"
    assert request.reference in sent_to(session, 501)[-1].text
    assert requests.cancel_by_client(session, "tg:9005", request.id) is None  # already


def test_a_companion_gives_it_back_and_it_is_offered_again(session, region) -> None:
    request = book(session, "tg:9006")
    requests.claim(session, request, requests.companion(session, 501, request))
    assert not requests.release(session, request, 502)
    assert requests.release(session, request, 501)
    assert request.status == "open" and request.companion_telegram_id is None


def test_delete_erases_the_clients_requests_and_a_volunteers_registration(session, region) -> None:
    request = book(session, "tg:9007")
    requests.claim(session, request, requests.companion(session, 501, request))
    reference = request.reference
    erased = erase_conversation(session, "tg:9007")
    assert erased.accompaniments == 1
    assert (
        session.scalar(select(Accompaniment).where(Accompaniment.conversation_id == "tg:9007"))
        is None
    )
    notice = sent_to(session, 501)[-1].text
    assert reference in notice and "Hauptstraße" not in notice  # the reference only
    other = book(session, "tg:9008")
    requests.claim(session, other, requests.companion(session, 501, other))
    assert erase_conversation(session, "tg:501").accompaniments == 1  # Amal deletes herself
    assert session.scalar(select(Volunteer).where(Volunteer.telegram_user_id == 501)) is None
    assert other.status == "open" and other.companion_telegram_id is None


def test_retention_removes_old_requests_and_long_inactive_volunteers(session, region) -> None:
    book(session, "tg:9010")
    volunteers.deactivate_volunteer(session, 502)
    later = datetime(2027, 6, 1, tzinfo=BERLIN)
    assert purge_accompaniments(session, later, 90) >= 2
    assert (
        session.scalar(select(Accompaniment).where(Accompaniment.conversation_id == "tg:9010"))
        is None
    )
    assert session.scalar(select(Volunteer).where(Volunteer.telegram_user_id == 502)) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("9", "09:00"), ("9:30", "09:30"), ("14.00", "14:00"), ("14 Uhr", "14:00"), ("25:00", None),
     ("morgen", None), ("3", None)],
)  # fmt: skip
def test_typed_times(typed: str, expected: str | None) -> None:
    assert parse_time(typed) == expected


def test_typed_days() -> None:
    today = date(2026, 12, 6)
    assert parse_day("2026-12-08", today) == date(2026, 12, 8)
    assert parse_day("8.12.", today) == date(2026, 12, 8)
    assert parse_day("3.1.", today) == date(2027, 1, 3)  # past this year: next year
    assert parse_day("31.2.", today) is None
    assert parse_day("Dienstag", today) is None


def test_someone_registered_as_facilitator_and_volunteer_is_offered_it_once(
    session, region
) -> None:
    registry.save_facilitator(session, 501, "Amal", ["Landkreis Lörrach"], ["de", "ar"])
    request = book(session, "tg:9011")
    assert [chat for chat, _ in request.posts].count(501) == 1
    assert [who for who in offering.speakers(session, request) if who[0] == 501] == [
        (501, "Amal", "de")
    ]
