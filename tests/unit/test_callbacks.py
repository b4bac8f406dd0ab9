"""Callback requests in the core: booking, routing, the atomic claim, handoff, outbox, reminders."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lotse import catalogue
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.requests import callbacks, handoff, outbox, registry
from lotse.requests.models import CallbackRequest, OutboxMessage
from lotse.runtime import migrate
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue

DESK_CHAT = -1001
ANNA, BORIS, STRANGER, COORDINATOR = 501, 502, 999, 700


@pytest.fixture()
def url(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, _ = write_catalogue(tmp_path)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        registry.save_desk(s, "Landkreis Lörrach", DESK_CHAT, COORDINATOR)
        registry.save_facilitator(s, ANNA, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
        registry.save_facilitator(s, BORIS, "Boris", ["Baden-Württemberg"], ["de", "ru"])
        registry.save_facilitator(s, STRANGER, "Nora", ["Berlin"], ["de"])
    return url


def booking(**changes) -> callbacks.Booking:
    values = dict(
        conversation_id="tg:42",
        client_chat_id=42,
        topic="housing",
        place="Lörrach",
        language="ar",
        preferred_day=date(2026, 11, 24),
        preferred_part="am",
    )
    values.update(changes)
    return callbacks.Booking(**values)


def book(url: str, **changes) -> int:
    with session_scope(url) as s:
        return callbacks.book(s, booking(**changes)).id


def outbox_rows(url: str) -> list[OutboxMessage]:
    with session_scope(url) as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_next_five_working_days_skip_weekends_and_holidays() -> None:
    # from Wednesday 23 Dec 2026: Christmas Day and the weekend are skipped
    days = callbacks.callback_slots(date(2026, 12, 23), "DE-BW")
    assert days == [
        date(2026, 12, 24),
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
    ]


def test_a_booking_is_routed_to_its_regions_desk_with_minimal_data(url: str) -> None:
    request_id = book(url, contact_method="phone", phone="+49 170 5550000")
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        assert request.region == "Landkreis Lörrach" and request.status == "open"
        assert request.reference.startswith("R-") and request.phone == "+49 170 5550000"
    [post] = outbox_rows(url)
    assert post.chat_id == DESK_CHAT and post.request_id == request_id
    assert "Lörrach" in post.text and "Sprache: Arabisch" in post.text  # in the desk's language
    assert "+49" not in post.text and "tg:42" not in post.text and "42" not in post.text.split()
    assert post.buttons[0][0]["payload"] == f"@desk:take:{request_id}"


def test_a_place_without_a_desk_is_still_stored(url: str) -> None:
    request_id = book(url, place="Neukölln")
    with session_scope(url) as s:
        assert s.get(CallbackRequest, request_id).region == "Berlin"
    assert outbox_rows(url) == []


def test_simultaneous_claims_have_exactly_one_winner(url: str) -> None:
    request_id = book(url)
    barrier = threading.Barrier(2)
    results: dict[int, bool] = {}

    def press(user: int) -> None:
        with session_scope(url) as s:
            person = callbacks.facilitator(s, user)
            barrier.wait()
            results[user] = callbacks.claim(s, request_id, person).won

    threads = [threading.Thread(target=press, args=(u,)) for u in (ANNA, BORIS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [False, True]
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        winner = ANNA if results[ANNA] else BORIS
        assert request.status == "claimed" and request.facilitator.telegram_user_id == winner
    texts = [(m.chat_id, m.method) for m in outbox_rows(url)]
    assert texts.count((DESK_CHAT, "edit")) == 1  # the desk post shows who took it, once
    assert (42, "send") in texts  # the client is told who will contact them
    assert (winner, "send") in texts  # the winner gets the request with its controls


def test_only_facilitators_of_the_region_may_take(url: str) -> None:
    request_id = book(url)
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        assert callbacks.covers(s, callbacks.facilitator(s, ANNA), request)
        assert callbacks.covers(s, callbacks.facilitator(s, BORIS), request)  # the whole state
        assert not callbacks.covers(s, callbacks.facilitator(s, STRANGER), request)
        assert callbacks.facilitator(s, 123456) is None


def test_live_chat_relays_both_ways_and_ends(url: str) -> None:
    request_id = book(url)
    with session_scope(url) as s:
        anna = callbacks.facilitator(s, ANNA)
        callbacks.claim(s, request_id, anna)
        request = s.get(CallbackRequest, request_id)
        assert handoff.start_chat(s, request, anna)
    with session_scope(url) as s:
        request = handoff.handoff_for_client(s, "tg:42")
        assert request is not None
        handoff.relay_to_facilitator(s, request, "مرحبا")
        anna = callbacks.facilitator(s, ANNA)
        handoff.relay_to_client(s, handoff.chat_of_facilitator(s, anna), anna, "Hallo!")
        assert handoff.end_chat(s, anna) is not None
    with session_scope(url) as s:
        assert handoff.handoff_for_client(s, "tg:42") is None
    messages = [(m.chat_id, m.text) for m in outbox_rows(url)]
    assert any(chat == ANNA and "مرحبا" in text for chat, text in messages)
    assert any(chat == 42 and "Anna" in text and "Hallo!" in text for chat, text in messages)
    assert not any("tg:42" in text for _, text in messages)


def test_release_close_and_cancel(url: str) -> None:
    request_id = book(url)
    with session_scope(url) as s:
        anna = callbacks.facilitator(s, ANNA)
        boris = callbacks.facilitator(s, BORIS)
        callbacks.claim(s, request_id, anna)
        request = s.get(CallbackRequest, request_id)
        assert not callbacks.release(s, request, boris)  # not his
        assert callbacks.release(s, request, anna)
        assert request.status == "open"
        assert callbacks.claim(s, request_id, boris).won
        assert callbacks.close(s, request, boris, "referred", "Fachstelle Wohnen")
        assert request.status == "closed" and request.outcome == "referred"
    second = book(url)
    with session_scope(url) as s:
        assert callbacks.cancel_by_client(s, "tg:42").id == second
        assert s.get(CallbackRequest, second).status == "cancelled"
        assert callbacks.cancel_by_client(s, "tg:42") is None


def test_reminder_then_escalation_and_urgent_sooner(url: str) -> None:
    normal = book(url)
    urgent = book(url, conversation_id="tg:43", client_chat_id=43, urgent=True)
    later = utcnow() + timedelta(minutes=10)
    with session_scope(url) as s:
        assert (
            callbacks.send_reminders(s, later, timedelta(minutes=30), timedelta(minutes=120)) == 1
        )
        assert s.get(CallbackRequest, urgent).reminded_at is not None  # 30/4 min for urgent
        assert s.get(CallbackRequest, normal).reminded_at is None
    much_later = utcnow() + timedelta(minutes=121)
    with session_scope(url) as s:
        callbacks.send_reminders(s, much_later, timedelta(minutes=30), timedelta(minutes=120))
        assert s.get(CallbackRequest, normal).escalated_at is not None
    chats = [m.chat_id for m in outbox_rows(url)]
    assert chats.count(COORDINATOR) == 2 and chats.count(DESK_CHAT) >= 4


def test_two_gateway_workers_remind_once(url: str) -> None:
    """Several webhook workers run the reminder job; each reminder is queued once."""
    book(url)
    later = utcnow() + timedelta(minutes=121)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        with session_scope(url) as s:
            list(s.scalars(select(CallbackRequest)))  # both have read the open request
            barrier.wait()
            counts.append(
                callbacks.send_reminders(s, later, timedelta(minutes=30), timedelta(minutes=120))
            )

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 2  # one reminder and one escalation, not two of each
    chats = [m.chat_id for m in outbox_rows(url)]
    assert chats.count(COORDINATOR) == 1


def test_outbox_retries_and_waits_for_the_message_an_edit_changes(url: str) -> None:
    request_id = book(url)
    with session_scope(url) as s:
        callbacks.claim(s, request_id, callbacks.facilitator(s, ANNA))
    rows = outbox_rows(url)
    post = next(m for m in rows if m.chat_id == DESK_CHAT and m.method == "send")
    edit = next(m for m in rows if m.method == "edit")
    with session_scope(url) as s:
        due = outbox.take_due(s)
        assert post.id in due and edit.id not in due  # the edit waits for the post
        outbox.mark_retry(s, post.id, "500 Internal Server Error")  # backs off
        assert s.get(OutboxMessage, post.id).next_attempt_at > utcnow()
    with session_scope(url) as s:
        assert post.id not in outbox.take_due(s)
        assert post.id in outbox.take_due(s, utcnow() + timedelta(seconds=2))
        outbox.mark_retry(s, post.id, "429 Too Many Requests", retry_after=7)
    with session_scope(url) as s:
        assert post.id not in outbox.take_due(s, utcnow() + timedelta(seconds=5))
        assert post.id in outbox.take_due(s, utcnow() + timedelta(seconds=8))
        outbox.mark_sent(s, post.id, 77)
    with session_scope(url) as s:
        assert edit.id in outbox.take_due(s)


def test_a_row_is_taken_by_one_sender_only(url: str) -> None:
    book(url)

    async def race() -> list[list[int]]:
        def take() -> list[int]:
            with session_scope(url) as s:
                return outbox.take_due(s)

        return list(await asyncio.gather(asyncio.to_thread(take), asyncio.to_thread(take)))

    first, second = asyncio.run(race())
    assert sorted(first + second) == sorted(set(first + second)) and len(first + second) == 1


def test_registry_refuses_unknown_regions(url: str) -> None:
    with session_scope(url) as s, pytest.raises(registry.RegistryError):
        registry.save_facilitator(s, 1, "X", ["Atlantis"], ["de"])


def test_a_request_after_an_emergency_is_urgent() -> None:
    from rasa_sdk import Tracker

    from actions.callbacks import after_emergency, client_chat_id

    def tracker(intents: list[str], sender: str = "tg:42") -> Tracker:
        events = [{"event": "user", "parse_data": {"intent": {"name": i}}} for i in intents]
        return Tracker(sender, {}, {}, events, False, None, {}, "action_listen")

    assert after_emergency(tracker(["greet", "emergency", "request_callback"]))
    assert not after_emergency(tracker(["ask_housing", "request_callback"]))
    assert client_chat_id(tracker([], "tg:42")) == 42
    assert client_chat_id(tracker([], "console:local")) == 0


def test_rasa_endpoints_follow_the_settings(tmp_path: Path) -> None:
    import yaml

    from lotse.runtime.rasa_endpoints import endpoints_file
    from lotse.settings import Settings

    plain = endpoints_file(Settings(var_dir=tmp_path))
    assert plain.name == "endpoints.yml" and plain.parent != tmp_path
    written = endpoints_file(
        Settings(
            var_dir=tmp_path,
            tracker_store_url="postgresql://lotse:pw@db.local:5433/lotse_tracker",
            redis_url="redis://127.0.0.1:6380/2",
        )
    )
    config = yaml.safe_load(written.read_text())
    assert config["tracker_store"] == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.local",
        "port": 5433,
        "db": "lotse_tracker",
        "username": "lotse",
        "password": "pw",
    }
    assert config["lock_store"] == {"type": "redis", "url": "127.0.0.1", "port": 6380, "db": 2}
    from lotse.runtime.rasa_endpoints import tracker_store

    for driver in ("+psycopg", "+psycopg2"):  # the driver named in the URL is not Rasa's concern
        url = f"postgresql{driver}://lotse:pw@db.local:5433/lotse_tracker"
        assert tracker_store(url) == config["tracker_store"]


async def test_a_live_chat_relays_exactly_what_was_written(url: str, monkeypatch) -> None:
    """Line breaks, a leading slash and text beyond the NLU's 1000 characters reach the other
    side unchanged, split only at Telegram's 4096 (issue 14, item 7)."""
    from bot.conversation import Gateway
    from bot.facilitators import FacilitatorDesk
    from bot.replies import Chat
    from lotse.settings import load_settings

    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    request_id = book(url)
    with session_scope(url) as s:
        anna = callbacks.facilitator(s, ANNA)
        callbacks.claim(s, request_id, anna)
        assert handoff.start_chat(s, s.get(CallbackRequest, request_id), anna)
    written = "/erste Zeile\n\n  zweite Zeile  \n" + "lang " * 1200  # 6,000 characters
    gateway = Gateway(rasa=None, desk=FacilitatorDesk())  # type: ignore[arg-type]
    assert await gateway.on_text(Chat("tg:42", "de"), written) == []
    load_settings.cache_clear()
    to_anna = [m.text for m in outbox_rows(url) if m.chat_id == ANNA]
    assert all(len(part) <= 4096 for part in to_anna)
    relayed = "".join(to_anna)
    assert "/erste Zeile\n\n  zweite Zeile  " in relayed  # not cleaned up for the NLU
    assert relayed.count("lang ") == 1200  # not cut at 1000 characters


def claimed_by_anna(url: str) -> int:
    request_id = book(url)
    with session_scope(url) as s:
        assert callbacks.claim(s, request_id, callbacks.facilitator(s, ANNA)).won
    return request_id


def desk_posts(url: str) -> int:
    """New posts to the desk (edits of an existing post not counted)."""
    return sum(1 for m in outbox_rows(url) if m.chat_id == DESK_CHAT and m.method == "send")


def test_a_release_after_the_clients_cancel_changes_nothing(url: str) -> None:
    """The facilitator's screen still shows the request as theirs when the client cancels: the
    release must not reopen it or post it to the desk again (issue 14, item 5)."""
    request_id = claimed_by_anna(url)
    posts = desk_posts(url)
    with session_scope(url) as facilitator_side:
        seen = facilitator_side.get(CallbackRequest, request_id)  # read before the cancel
        anna = callbacks.facilitator(facilitator_side, ANNA)
        with session_scope(url) as client_side:
            assert callbacks.cancel_by_client(client_side, "tg:42") is not None
        assert not callbacks.release(facilitator_side, seen, anna)
        assert seen.status == "cancelled"
    with session_scope(url) as s:
        assert s.get(CallbackRequest, request_id).status == "cancelled"
    assert desk_posts(url) == posts  # only the "cancelled" edit of the old post, no new post


def test_a_close_after_a_release_changes_nothing(url: str) -> None:
    request_id = claimed_by_anna(url)
    with session_scope(url) as first:
        seen = first.get(CallbackRequest, request_id)
        anna = callbacks.facilitator(first, ANNA)
        with session_scope(url) as second:
            again = second.get(CallbackRequest, request_id)
            assert callbacks.release(second, again, callbacks.facilitator(second, ANNA))
        assert not callbacks.close(first, seen, anna, "reached", "done")
        assert seen.status == "open"


def test_a_cancel_after_the_close_changes_nothing(url: str, monkeypatch) -> None:
    """The client's /status showed the request open; a facilitator closes it while the cancel
    is on its way: the request stays closed, the facilitator is told nothing."""
    request_id = claimed_by_anna(url)
    read = callbacks.open_request

    def read_then_closed_elsewhere(session, conversation_id):
        request = read(session, conversation_id)
        with session_scope(url) as other:
            closing = other.get(CallbackRequest, request_id)
            assert callbacks.close(other, closing, callbacks.facilitator(other, ANNA), "reached")
        return request

    monkeypatch.setattr(callbacks, "open_request", read_then_closed_elsewhere)
    before = len(outbox_rows(url))
    with session_scope(url) as s:
        assert callbacks.cancel_by_client(s, "tg:42") is None
    with session_scope(url) as s:
        assert s.get(CallbackRequest, request_id).status == "closed"
    texts = [m.text for m in outbox_rows(url)[before:]]
    assert not any("storniert" in t or "abgesagt" in t for t in texts), texts


def test_a_deactivated_facilitator_hands_back_chats_and_requests(url: str) -> None:
    """Deactivation ends the live chat (the client is told, Lotse answers again) and gives the
    request back to the desk (issue 14, item 6)."""
    request_id = claimed_by_anna(url)
    with session_scope(url) as s:
        anna = callbacks.facilitator(s, ANNA)
        assert handoff.start_chat(s, s.get(CallbackRequest, request_id), anna)
    posts = desk_posts(url)
    before = len(outbox_rows(url))
    with session_scope(url) as s:
        assert registry.deactivate_facilitator(s, ANNA)
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        assert request.status == "open" and request.facilitator_id is None
        assert not request.handoff_open
        assert handoff.handoff_for_client(s, "tg:42") is None  # Lotse answers the client again
    told = [m for m in outbox_rows(url)[before:] if m.chat_id == 42]
    assert any("Anna" in m.text for m in told)  # the client learns the chat has ended
    assert desk_posts(url) == posts + 1  # back on the desk with [Take]


def test_deactivating_in_the_admin_hands_back_the_requests(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The admin's path of item 6: unticking "active" on the facilitator's edit page does what
    `lotse facilitator remove` does."""
    import html
    import re

    from starlette.testclient import TestClient

    from admin.app import create_app
    from lotse import admin_accounts
    from lotse.requests.models import Facilitator
    from lotse.settings import Settings, load_settings

    request_id = claimed_by_anna(url)
    with session_scope(url) as s:
        admin_accounts.add_account(s, "Amina", "ein-langes-Passwort")
        anna_id = s.scalar(select(Facilitator.id).where(Facilitator.telegram_user_id == ANNA))
    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    base = "http://admin.test"
    client = TestClient(create_app(Settings(database_url=url)), base_url=base)
    client.headers["Origin"] = base
    client.post("/admin/login", data={"username": "Amina", "password": "ein-langes-Passwort"})
    page = client.get(f"/admin/facilitator/edit/{anna_id}").text
    fields = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    fields.pop("active", None)  # an unticked checkbox is not sent
    fields.pop("save", None)
    for name in ("regions", "languages", "topics"):  # JSON list fields, shown as they are stored
        shown = re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>', page)
        fields[name] = html.unescape(shown.group(1)).strip() if shown else "[]"
    fields["ui_language"] = "de"
    saved = client.post(f"/admin/facilitator/edit/{anna_id}", data=fields)
    errors = re.findall(r"invalid-feedback[^>]*>\s*([^<]+)", saved.text)
    assert saved.status_code == 200, (errors, fields)
    load_settings.cache_clear()
    with session_scope(url) as s:
        assert not s.get(Facilitator, anna_id).active
        request = s.get(CallbackRequest, request_id)
        assert request.status == "open" and request.facilitator_id is None


def test_the_callback_time_slot_is_read_whatever_it_holds() -> None:
    """The form's `callback_time` slot as day and part; an empty, unset or foreign value is no
    time (the summary then says the next morning, the booking fails politely)."""
    from actions.callbacks import parse_time

    assert parse_time("2026-12-07:pm") == (date(2026, 12, 7), "pm")
    for value in (None, "", 7, "2026-12-07", "2026-12-07:night", "tomorrow:am", ["x"]):
        assert parse_time(value) is None, value
