"""Plan reminders survive a gateway restart and are sent once (issue 18), with the real gateway
(`python -m bot` alone, no Rasa needed) against its own fake Bot API.

The first gateway's reminder job sends the client's reminders (a step due tomorrow, the review
tomorrow) and the facilitator's (an overdue step, the review). It stops. A reminder queued while
no gateway runs (as if one had stopped right after queuing it) and a new due date wait in the
database; the second gateway sends both — and none of the first ones again.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lotse import catalogue
from lotse.cases import cases, plan, reminders, routing
from lotse.cases.cases import client_text
from lotse.cases.models import Case
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.requests import callbacks, registry
from lotse.requests.models import OutboxMessage
from lotse.runtime import migrate
from tests.e2e.conftest import lotse_env, start_gateway, wait_for
from tests.e2e.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
DESK, ANNA, CLIENT = -1_000_828, 9_200_001, 9_200_002


async def stop_gently(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    await wait_for(lambda: proc.poll() is not None, 40, "the gateway to stop")


def open_case(url: str) -> int:
    """An Arabic-speaking client's case, held by Anna."""
    with session_scope(url) as s:
        catalogue.import_path(s, catalogue.DEMO_PLACES)
        registry.save_desk(s, "Landkreis Lörrach", DESK)
        registry.save_facilitator(s, ANNA, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
        request = routing.book(
            s,
            callbacks.Booking(
                conversation_id=f"tg:{CLIENT}",
                client_chat_id=CLIENT,
                topic="work",
                place="Lörrach",
                language="ar",
                preferred_day=date(2026, 11, 24),
                preferred_part="am",
            ),
        )
        anna = callbacks.facilitator(s, ANNA)
        assert anna is not None
        callbacks.claim(s, request.id, anna)
        case = cases.ask_consent(s, request, anna)
        assert case is not None
        case_id = case.id
    with session_scope(url) as s:
        assert cases.answer_consent(s, f"tg:{CLIENT}", case_id, True) == "opened"
    return case_id


def add_step(url: str, case_id: int, words: str, due_on: date) -> None:
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert case is not None
        plan.add_step(s, case, area="work", by="Anna", step_text=words, due_on=due_on)


async def test_plan_reminders_survive_a_restart_and_are_sent_once(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        env = lotse_env(
            fake, tmp_path, LOTSE_OUTBOX_INTERVAL_SECONDS="0.2", LOTSE_REMINDER_FIRST_SECONDS="1"
        )
        url = env["DATABASE_URL"]
        migrate.upgrade(url)
        fake.user(CLIENT, first_name="Client", language_code="ar")
        fake.user(ANNA, first_name="Anna")
        fake.group(DESK, "Desk")
        case_id = open_case(url)
        today = reminders.local_today(utcnow())
        tomorrow = today + timedelta(days=1)
        add_step(url, case_id, "Lebenslauf schreiben", tomorrow)
        add_step(url, case_id, "Zeugnisse übersetzen", today - timedelta(days=2))
        with session_scope(url) as s:
            case = s.get(Case, case_id)
            assert case is not None
            case.next_review_on = tomorrow
        log = tmp_path / "gateway.log"

        def count(chat: int, words: str) -> int:
            return sum(words in (m.get("text") or "") for m in fake.messages(chat))

        def arrived(chat: int, words: str) -> Callable[[], bool]:
            return lambda: count(chat, words) >= 1

        first = start_gateway(env, log)
        try:  # the reminder job first runs a second after the start (the default is 30 s)
            await wait_for(arrived(CLIENT, "Lebenslauf schreiben"), 120, "reminder", first, log)
            await wait_for(arrived(ANNA, "Zeugnisse übersetzen"), 30, "overdue", first, log)
            await wait_for(arrived(ANNA, "Morgen ist das Gespräch"), 30, "review", first, log)
        finally:
            await stop_gently(first)

        # while no gateway runs: a reminder queued (its marker set), and a new due date
        add_step(url, case_id, "Anmeldung beim Sprachkurs", tomorrow)
        with session_scope(url) as s:
            assert reminders.queue_due(s, utcnow()) == 1  # only the new step
        add_step(url, case_id, "Termin beim Jobcenter", tomorrow)

        second = start_gateway(env, log)
        try:
            await wait_for(arrived(CLIENT, "Anmeldung beim Sprachkurs"), 30, "queued", second, log)
            await wait_for(arrived(CLIENT, "Termin beim Jobcenter"), 120, "new", second, log)
            await asyncio.sleep(2)  # a duplicate would arrive now
        finally:
            await stop_gently(second)

        for chat, words in (
            (CLIENT, "Lebenslauf schreiben"),
            (CLIENT, "Anmeldung beim Sprachkurs"),
            (CLIENT, "Termin beim Jobcenter"),
            (ANNA, "Zeugnisse übersetzen"),
            (ANNA, "Morgen ist das Gespräch"),
        ):
            assert count(chat, words) == 1, (chat, words)
        assert count(CLIENT, client_text("ar", "reminder_review", name="Anna")) == 1
        with session_scope(url) as s:
            assert set(s.scalars(select(OutboxMessage.status))) == {"sent"}
