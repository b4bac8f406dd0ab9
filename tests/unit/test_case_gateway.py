"""Case work through the gateway without a model (issue 18): the consent button after [Take],
/profile with its fields, /plan with "done" and "I need help", the facilitators' /cases,
/handover and /web; reminders queued once and kept over a restart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.commands import dispatch
from bot.conversation import Gateway
from bot.facilitators import FacilitatorDesk
from bot.replies import Chat, Reply
from lotse import catalogue
from lotse.audit import AuditLog
from lotse.cases import access, assessment, plan, reminders, routing
from lotse.cases.cases import CaseError
from lotse.cases.models import Case, PlanStep
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.protocol import CASE_PREFIX, DESK_PREFIX
from lotse.requests import callbacks, registry
from lotse.requests.models import OutboxMessage
from lotse.runtime import migrate
from lotse.settings import load_settings
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue
from tests.unit.test_gateway_flows import ScriptedRasa

ANNA, BORIS, CLIENT = 501, 502, 42
CLIENT_CHAT = Chat(f"tg:{CLIENT}", "ar", CLIENT)


@pytest.fixture()
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, offers = write_catalogue(tmp_path)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
        registry.save_desk(s, "Landkreis Lörrach", -100)
        registry.save_facilitator(s, ANNA, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
        registry.save_facilitator(s, BORIS, "Boris", ["Landkreis Lörrach"], ["de"])
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LOTSE_WORKSPACE_URL", "https://lotse.example.org/")
    load_settings.cache_clear()
    yield url
    load_settings.cache_clear()


@pytest.fixture()
def gateway() -> Gateway:
    return Gateway(ScriptedRasa("ar"), desk=FacilitatorDesk(), privacy_notice=False)


def last_to(url: str, chat_id: int) -> OutboxMessage:
    with session_scope(url) as s:
        row = s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id)
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert row is not None
        return row


def payloads(reply: Reply | OutboxMessage) -> list[str]:
    if isinstance(reply, OutboxMessage):
        return [b["payload"] for row in reply.buttons for b in row]
    with session_scope() as s:
        from lotse.models import ButtonPayload

        return [s.get(ButtonPayload, b.token).payload for row in reply.buttons for b in row]


async def open_case(url: str, gateway: Gateway) -> int:
    with session_scope(url) as s:
        request_id = routing.book(
            s,
            callbacks.Booking(
                conversation_id=CLIENT_CHAT.conversation_id,
                client_chat_id=CLIENT,
                topic="housing",
                place="Lörrach",
                language="ar",
                preferred_day=date(2026, 11, 24),
                preferred_part="am",
            ),
        ).id
    assert gateway.desk is not None
    answer = await gateway.desk.on_desk_button(ANNA, f"{DESK_PREFIX}take:{request_id}")
    assert answer.alert is None
    question = last_to(url, CLIENT)
    yes = payloads(question)[0]
    assert yes.startswith(f"{CASE_PREFIX}yes:")
    replies = await gateway.on_payload(CLIENT_CHAT, yes)
    assert "\u2068Anna\u2069" in replies[0].text and "/plan" in replies[0].text
    return int(yes.rsplit(":", 1)[1])


async def test_take_asks_the_client_and_yes_opens_the_case(url: str, gateway: Gateway) -> None:
    case_id = await open_case(url, gateway)
    assert "F-" in last_to(url, ANNA).text
    again = await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}yes:{case_id}")
    assert again[0].text == "هذا السؤال لم يعد مفتوحًا."


async def test_profile_shows_corrects_and_deletes_each_field_in_the_clients_language(
    url: str, gateway: Gateway
) -> None:
    empty = await dispatch(gateway, CLIENT_CHAT, "/profile")
    assert "ليس لديكم ملف متابعة" in empty[0].text  # no case yet
    await open_case(url, gateway)
    shown = await dispatch(gateway, CLIENT_CHAT, "/profile")
    assert "لا توجد معلومات محفوظة" in shown[0].text
    asked = await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}edit:interests")
    assert "الاهتمامات" in asked[0].text
    saved = await gateway.on_text(CLIENT_CHAT, "كرة القدم والطبخ")
    assert "تم الحفظ" in saved[0].text
    levels = await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}edit:german_level")
    assert f"{CASE_PREFIX}set:german_level:B1" in payloads(levels[0])
    await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}set:german_level:B1")
    shown = await dispatch(gateway, CLIENT_CHAT, "/profile")
    assert "كرة القدم والطبخ" in shown[0].text and "B1" in shown[0].text
    assert f"{CASE_PREFIX}del:interests" in payloads(shown[0])
    await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}del:interests")
    shown = await dispatch(gateway, CLIENT_CHAT, "/profile")
    assert "كرة القدم" not in shown[0].text and "B1" in shown[0].text


async def test_an_emergency_while_a_field_is_awaited_is_not_stored(
    url: str, gateway: Gateway
) -> None:
    await open_case(url, gateway)
    await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}edit:interests")
    await gateway.on_text(CLIENT_CHAT, "Ich will mich umbringen")
    with session_scope(url) as s:
        case = s.scalars(select(Case)).one()
        assert assessment.fields_of(s, case) == {} and case.editing_field is None


def test_assessment_values_are_checked() -> None:
    assert assessment.check("german_level", " b2 ") == "B2"
    for field, value in (("german_level", "fluent"), ("school", " "), ("shoe_size", "42")):
        with pytest.raises(CaseError):
            assessment.check(field, value)
    with pytest.raises(CaseError):
        assessment.check("interests", "x" * 501)


async def test_plan_in_arabic_with_an_offer_and_a_free_step_done_and_help(
    url: str, gateway: Gateway
) -> None:
    case_id = await open_case(url, gateway)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        offer_id = s.scalar(select(PlanStep.offer_id))  # none yet
        assert offer_id is None
        from lotse.catalogue.hsds import Service

        offer = s.scalars(select(Service).order_by(Service.id)).first()
        plan.add_goal(s, case, "housing", "شقة خاصة", "Anna")
        plan.add_step(s, case, area="housing", by="Anna", offer_id=offer.id, who="client")
        free = plan.add_step(
            s,
            case,
            area="language",
            by="Anna",
            step_text="التسجيل في دورة اللغة",
            due_on=date.today() + timedelta(days=5),
        )
        free_id, offer_name = free.id, offer.name
    shown = await dispatch(gateway, CLIENT_CHAT, "/plan")
    assert "خطة الاندماج" in shown[0].text and "شقة خاصة" in shown[0].text
    assert any("التسجيل في دورة اللغة" in r.text for r in shown)
    assert len(shown) == 3
    await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}help:{free_id}")
    assert "Hilfe" in last_to(url, ANNA).text
    done = await gateway.on_payload(CLIENT_CHAT, f"{CASE_PREFIX}done:{free_id}")
    assert "Anna" in done[0].text
    with session_scope(url) as s:
        assert s.get(PlanStep, free_id).status == "done"
    assert any(offer_name in r.text or "⁨" in r.text for r in shown[1:2])
    stranger = await gateway.on_payload(Chat("tg:77", "de", 77), f"{CASE_PREFIX}done:{free_id}")
    assert "nicht mehr offen" in stranger[0].text


async def test_facilitators_cases_handover_and_web(url: str, gateway: Gateway) -> None:
    await open_case(url, gateway)
    anna = Chat(f"tg:{ANNA}", "de", ANNA)
    listed = await dispatch(gateway, anna, "/cases")
    reference = listed[0].text.splitlines()[1].split(" ")[0]
    usage = await dispatch(gateway, anna, "/handover")
    assert "/handover F-XXXXX" in usage[0].text
    wrong = await dispatch(gateway, anna, f"/handover {reference} Zoe: bitte übernehmen")
    assert "nicht möglich" in wrong[0].text
    herself = await dispatch(gateway, anna, f"/handover {reference} Anna: an mich")
    assert herself[0].text == "Anna ist schon zuständig."
    done = await dispatch(gateway, anna, f"/handover {reference} boris: Termin am 3.2.")
    assert "Boris" in done[0].text
    with session_scope(url) as s:  # the change is in the audit log, without the note
        logged = s.scalars(select(AuditLog).where(AuditLog.table == "case_file")).all()
        assert [(r.action, list(r.changes)) for r in logged] == [("update", ["facilitator_id"])]
        assert "Termin" not in str(logged[0].changes)
    assert "Boris" in last_to(url, CLIENT).text
    link = await dispatch(gateway, anna, "/web")
    assert "https://lotse.example.org/workspace/login/" in link[0].text
    client = await dispatch(gateway, CLIENT_CHAT, "/web")
    assert "workspace" not in client[0].text  # a client gets "unknown command"


def test_login_links_are_single_use_and_expire(url: str) -> None:
    with session_scope(url) as s:
        anna = callbacks.facilitator(s, ANNA)
        fresh = access.new_login_link(s, anna)
        old = access.new_login_link(s, anna, now=utcnow() - timedelta(minutes=6))
    with session_scope(url) as s:
        assert access.redeem_login_link(s, old) is None  # expired
        token = access.redeem_login_link(s, fresh)
        assert token is not None
        assert access.redeem_login_link(s, fresh) is None  # used
        assert access.facilitator_of_session(s, token).display_name == "Anna"
        assert access.facilitator_of_session(s, "guessed") is None


async def test_reminders_are_queued_once_and_survive_a_restart(url: str, gateway: Gateway) -> None:
    case_id = await open_case(url, gateway)
    now = utcnow()
    tomorrow = reminders.local_today(now) + timedelta(days=1)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        plan.add_step(s, case, area="work", by="Anna", step_text="Lebenslauf", due_on=tomorrow)
        plan.add_step(
            s,
            case,
            area="work",
            by="Anna",
            step_text="Zeugnisse",
            due_on=tomorrow - timedelta(days=3),
        )
        case.next_review_on = tomorrow
    with session_scope(url) as s:
        assert reminders.queue_due(s, now) == 4  # client: step, review; Anna: overdue, review
    # the gateway stops before sending; a new one (or a second worker) runs the job again
    with session_scope(url) as s:
        assert reminders.queue_due(s, now) == 0
    with session_scope(url) as s:
        pending = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        texts = [m.text for m in pending]
    assert sum("Lebenslauf" in t for t in texts) == 1
    assert sum("Zeugnisse" in t for t in texts) == 1
    with session_scope(url) as s:  # a new due date arms the reminder again
        step = s.scalars(select(PlanStep).where(PlanStep.text == "Lebenslauf")).one()
        plan.update_step(s, s.get(Case, case_id), step, "Anna", due_on=tomorrow)
        assert reminders.queue_due(s, now) == 1
