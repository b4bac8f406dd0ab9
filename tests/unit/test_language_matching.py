"""Matching by language and absences (issue 19): a request in another language than German goes
first, privately, to the region's facilitators who speak it, then to the whole desk, whose post
says who speaks it; `/away until …` routes nothing to a facilitator, hands back what they hold
and tells their clients who covers. Refusals (bad date, past date, too far) change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.facilitators import FacilitatorDesk
from lotse import absence, catalogue
from lotse.cases import cases, routing
from lotse.db import session_scope
from lotse.i18n import text
from lotse.models import utcnow
from lotse.requests import callbacks, matching, registry
from lotse.requests.models import CallbackRequest, Facilitator, OutboxMessage
from lotse.runtime import migrate
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue

DESK_CHAT = -1001
AMINA, JONAS, KARIM, LEILA = 601, 602, 603, 604
CLIENT = 77
ROUND = timedelta(minutes=15)
TODAY = date(2026, 12, 7)


@pytest.fixture()
def url(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, offers = write_catalogue(tmp_path)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
        registry.save_desk(s, "Landkreis Lörrach", DESK_CHAT)
        registry.save_facilitator(s, AMINA, "Amina", ["Landkreis Lörrach"], ["de", "ar"])
        registry.save_facilitator(s, JONAS, "Jonas", ["Landkreis Lörrach"], ["de", "en"])
        registry.save_facilitator(s, KARIM, "Karim", ["Lörrach"], ["de", "ar"], ui_language="ar")
        registry.save_facilitator(s, LEILA, "Leila", ["Berlin"], ["de", "ar"])
    return url


def booking(**changes: object) -> callbacks.Booking:
    values: dict[str, object] = dict(
        conversation_id=f"tg:{CLIENT}",
        client_chat_id=CLIENT,
        topic="housing",
        place="Lörrach",
        language="ar",
        preferred_day=date(2026, 12, 8),
        preferred_part="am",
    )
    values.update(changes)
    return callbacks.Booking(**values)  # type: ignore[arg-type]


def book(url: str, **changes: object) -> int:
    with session_scope(url) as s:
        return routing.book(s, booking(**changes)).id


def sent_to(url: str, chat_id: int) -> list[OutboxMessage]:
    with session_scope(url) as s:
        return list(
            s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == chat_id)
                .order_by(OutboxMessage.id)
            )
        )


def person(s, telegram_id: int) -> Facilitator:
    found = callbacks.facilitator(s, telegram_id)
    assert found is not None
    return found


def after_round(url: str, request_id: int, extra: timedelta = timedelta()) -> int:
    """The gateway's job, run in a fresh session as after a restart."""
    with session_scope(url) as s:
        started = s.get(CallbackRequest, request_id).language_round_at
        assert started is not None
        return routing.post_after_language_round(s, started + ROUND + extra, ROUND)


def test_an_arabic_request_goes_first_to_the_arabic_speakers_of_the_region(url: str) -> None:
    request_id = book(url)
    first = [m for m in sent_to(url, AMINA) if m.buttons]
    assert len(first) == 1 and "weil Sie Arabisch sprechen" in first[0].text
    assert first[0].buttons[0][0]["payload"] == f"@desk:take:{request_id}"
    karim = sent_to(url, KARIM)[-1]  # in his own language
    assert "العربية" in karim.text and "أولًا" in karim.text
    assert not sent_to(url, JONAS) and not sent_to(url, LEILA)  # no Arabic; Berlin
    assert not sent_to(url, DESK_CHAT)
    with session_scope(url) as s:  # no reminder to a desk that has not seen it
        assert callbacks.send_reminders(s, utcnow() + timedelta(hours=5), ROUND, ROUND * 8) == 0


def test_nobody_takes_it_in_time_and_the_desk_is_told_who_speaks_it(url: str) -> None:
    request_id = book(url)
    with session_scope(url) as s:
        started = s.get(CallbackRequest, request_id).language_round_at
        assert routing.post_after_language_round(s, started + ROUND / 2, ROUND) == 0
    assert after_round(url, request_id) == 1
    desk_post = sent_to(url, DESK_CHAT)[-1]
    assert "🗣 Arabisch sprechen: Amina, Karim" in desk_post.text
    assert desk_post.buttons[0][0]["payload"] == f"@desk:take:{request_id}"
    with session_scope(url) as s:  # a second worker, or the next run, posts nothing more
        assert routing.post_after_language_round(s, utcnow() + ROUND * 4, ROUND) == 0
    assert len(sent_to(url, DESK_CHAT)) == 1


def test_taking_it_from_the_private_offer_updates_every_post(url: str) -> None:
    request_id = book(url)
    with session_scope(url) as s:
        assert callbacks.claim(s, request_id, person(s, KARIM)).won
    edits = [m for m in sent_to(url, AMINA) if m.method == "edit"]
    assert edits and "Karim" in edits[-1].text
    assert after_round(url, request_id) == 0  # taken: never posted to the desk
    assert not sent_to(url, DESK_CHAT)


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"language": "de"}, None),  # every desk speaks German
        ({"urgent": True}, "🗣 Arabisch sprechen: Amina, Karim"),  # urgent: at once
        ({"language": "tr"}, "🗣 Im Team spricht niemand Türkisch."),
    ],
)
def test_to_the_desk_at_once(url: str, changes: dict[str, object], line: str | None) -> None:
    book(url, **changes)
    assert not [m for m in sent_to(url, AMINA) if m.buttons]
    desk_post = sent_to(url, DESK_CHAT)[-1]
    if line is None:
        assert "🗣" not in desk_post.text
    else:
        assert line in desk_post.text


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        ("until 2026-12-24", date(2026, 12, 24)),
        ("2026-12-24", date(2026, 12, 24)),
        ("bis 24.12.2026", date(2026, 12, 24)),
        ("off", None),
    ],
)
def test_away_dates_as_typed(typed: str, until: date | None) -> None:
    assert absence.parse_until(typed) == until


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("until tomorrow", "away_bad_date"),
        ("until 2026-13-40", "away_bad_date"),
        ("until 24.12.", "away_bad_date"),
        ("until 2026-12-24 and longer", "away_usage"),
        ("until 2026-12-01", "away_past_date"),
        ("until 2028-01-01", "away_too_far"),
    ],
)
def test_a_bad_or_past_date_is_refused_and_changes_nothing(url: str, typed: str, key: str) -> None:
    with session_scope(url) as s:
        amina = person(s, AMINA)
        answer = absence.away_command(s, amina, typed, TODAY)
        assert amina.away_until is None
    expected = text("de", "lotse_desk", key).split("{")[0]
    assert answer.startswith(expected)


def test_away_with_open_requests_hands_them_back_and_tells_the_client_who_covers(
    url: str,
) -> None:
    request_id = book(url)
    with session_scope(url) as s:
        assert callbacks.claim(s, request_id, person(s, AMINA)).won
    with session_scope(url) as s:
        answer = absence.away_command(s, person(s, AMINA), "until 2026-12-24", TODAY)
    assert answer.startswith("🌴") and "24.12.2026" in answer
    assert "zurückgegeben: 1" in answer and "Klienten: 1" in answer
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        assert request.status == "open" and request.facilitator_id is None
        assert person(s, AMINA).away_until == date(2026, 12, 24)
    told = sent_to(url, CLIENT)[-1].text
    assert "Amina" in told and "24.12." in told and "Karim" in told  # in Arabic
    assert request.reference in told and "لا يمكن التواصل" in told
    assert request.reference in sent_to(url, DESK_CHAT)[-1].text  # back at the desk


def test_nothing_is_routed_to_someone_away_until_the_day_after(url: str) -> None:
    with session_scope(url) as s:
        absence.set_away(s, person(s, AMINA), matching.local_today(), matching.local_today())
    book(url)
    assert not [m for m in sent_to(url, AMINA) if m.buttons]
    assert [m for m in sent_to(url, KARIM) if m.buttons]
    with session_scope(url) as s:
        amina = person(s, AMINA)
        assert matching.is_away(amina, matching.local_today())
        assert not matching.is_away(amina, matching.local_today() + timedelta(days=1))
        assert absence.away_command(s, amina, "", matching.local_today()).startswith("Sie sind")
        assert absence.away_command(s, amina, "off", TODAY) == text("de", "lotse_desk", "away_off")
        assert absence.away_command(s, amina, "off", TODAY) == text("de", "lotse_desk", "not_away")


def test_a_case_client_of_someone_away_goes_to_the_team_and_is_told(url: str) -> None:
    first = book(url)
    with session_scope(url) as s:
        result = callbacks.claim(s, first, person(s, AMINA))
        case = cases.ask_consent(s, result.request, person(s, AMINA))
        case_id = case.id
    with session_scope(url) as s:
        assert cases.answer_consent(s, f"tg:{CLIENT}", case_id, True) == "opened"
        callbacks.close(s, s.get(CallbackRequest, first), person(s, AMINA), "reached")
    with session_scope(url) as s:
        handover = absence.set_away(s, person(s, AMINA), date(2026, 12, 24), TODAY)
        assert handover.clients == 1  # the case's client, though nothing was held
    # who covers the case's region (Karim covers only the town of Lörrach)
    assert "Jonas" in sent_to(url, CLIENT)[-1].text
    before = len(sent_to(url, AMINA))
    again = book(url)
    assert len(sent_to(url, AMINA)) == before  # not to her own facilitator while away
    told = sent_to(url, CLIENT)[-1].text
    assert "Amina" in told and "Karim" in told  # for a request from Lörrach: Arabic first
    with session_scope(url) as s:
        assert s.get(CallbackRequest, again).language_round_at is not None  # Karim first


async def test_a_facilitator_types_away_and_back_in_telegram(url: str, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    from lotse.settings import load_settings

    load_settings.cache_clear()
    desk = FacilitatorDesk()
    [answer] = await desk.on_command(KARIM, "away", "until 1999-01-01")
    assert answer.text.startswith("التاريخ")  # in his language: the date has passed
    [answer] = await desk.on_command(KARIM, "away", "until someday")
    assert "«someday»" in answer.text or "someday" in answer.text
    until = matching.local_today() + timedelta(days=3)
    [answer] = await desk.on_command(KARIM, "away", f"until {until.isoformat()}")
    assert answer.text.startswith("🌴")
    [answer] = await desk.on_command(KARIM, "back")
    assert answer.text == text("ar", "lotse_desk", "away_off")
    assert await desk.on_command(CLIENT, "away", "until 2026-12-24") is None  # not staff
    load_settings.cache_clear()


def test_delete_during_the_round_tells_those_it_was_offered_to(url: str) -> None:
    from lotse.privacy import erase_conversation

    request_id = book(url)
    with session_scope(url) as s:
        reference = s.get(CallbackRequest, request_id).reference
        assert erase_conversation(s, f"tg:{CLIENT}").requests_withdrawn == 1
    for chat, language in ((AMINA, "de"), (KARIM, "ar")):
        notice = sent_to(url, chat)[-1]
        assert reference in notice.text and not notice.buttons
        assert notice.text == text(language, "lotse_desk", "withdrawn").format(reference=reference)
    with session_scope(url) as s:
        assert s.get(CallbackRequest, request_id).private_posts == []


async def test_away_through_the_gateways_command_table(url: str, monkeypatch) -> None:
    """`/away until …` reaches the desk with its arguments; a client typing it is told the
    command is unknown (bot/commands.py)."""
    from bot.commands import dispatch
    from bot.conversation import Gateway
    from bot.replies import Chat
    from lotse.settings import load_settings
    from tests.unit.test_gateway_flows import ScriptedRasa

    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    gateway = Gateway(ScriptedRasa("de"), desk=FacilitatorDesk(), privacy_notice=False)
    amina = Chat(f"tg:{AMINA}", "de", AMINA)
    until = matching.local_today() + timedelta(days=2)
    [set_] = await dispatch(gateway, amina, f"/away until {until.isoformat()}")
    assert set_.text.startswith("🌴") and f"{until:%d.%m.%Y}" in set_.text
    [status] = await dispatch(gateway, amina, "/away")
    assert status.text == text("de", "lotse_desk", "away_status").format(date=f"{until:%d.%m.%Y}")
    [bad] = await dispatch(gateway, amina, "/away@LotseBot until 31.02.2027")
    assert bad.text.startswith("Dieses Datum verstehe ich nicht")
    [back] = await dispatch(gateway, amina, "/back")
    assert back.text == text("de", "lotse_desk", "away_off")
    client = Chat(f"tg:{CLIENT}", "de", CLIENT)
    [unknown] = await dispatch(gateway, client, "/away until 2026-12-24")
    assert unknown.text == text("de", "lotse_gateway_texts", "unknown_command")
    load_settings.cache_clear()
