"""Partner contacts for facilitators (issue 20): which persons belong to a request and to a case,
the desk's [Contacts] button (to the holder's private chat only), the workspace's request and
case pages, and the audit log of every showing — who, for what, which rows, never a value."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from lotse.audit import AuditLog
from lotse.cases import plan
from lotse.cases.models import Case
from lotse.catalogue.contacts import PartnerContact
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from lotse.i18n import text
from lotse.partners import staff_contacts
from lotse.protocol import DESK_PREFIX
from lotse.requests import callbacks
from lotse.requests.desk import desk_post, facilitator_controls
from lotse.requests.models import CallbackRequest, OutboxMessage
from tests.unit.test_cases import (
    ANNA,
    BORIS,
    CLIENT,
    NORA,
    booking,
    open_case,
    person,
    url,
)
from tests.unit.test_workspace import BASE, sign_in

__all__ = ["url"]
LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr", "fa", "fr")
OFFER = "loe-housing-local"  # Stadt Lörrach's housing office, the first answer in Lörrach
SECRETS = ("Olga Offerlich", "555 1111", "olga@", "Ole Org", "ole@", "Sina Stellvertreterin")


@pytest.fixture()
def people(url: str) -> str:
    """Olga for the housing office, Ole for all of Stadt Lörrach, Bea for a Berlin office."""
    with session_scope(url) as s:
        housing = s.get(Service, OFFER)
        assert housing is not None
        berlin = s.scalar(select(Service).where(Service.id.like("nk-%")))
        assert berlin is not None
        s.add_all(
            [
                PartnerContact(
                    organization_id=housing.organization_id,
                    service_id=OFFER,
                    name="Olga Offerlich",
                    function="Sachgebietsleitung",
                    phone="+49 7621 555 1111",
                    email="olga@loerrach.example.org",
                    substitute="Sina Stellvertreterin",
                ),
                PartnerContact(
                    organization_id=housing.organization_id,
                    name="Ole Org",
                    function="Integrationsbeauftragter",
                    email="ole@loerrach.example.org",
                ),
                PartnerContact(
                    organization_id=berlin.organization_id,
                    service_id=berlin.id,
                    name="Bea Berlin",
                    phone="+49 30 555 2222",
                ),
            ]
        )
    return url


def book(url: str, **changes: object) -> int:
    with session_scope(url) as s:
        return callbacks.book(s, booking(**changes)).id


def claim(url: str, request_id: int, telegram_id: int = ANNA) -> None:
    with session_scope(url) as s:
        assert callbacks.claim(s, request_id, person(s, telegram_id)).won


def outbox(url: str) -> list[OutboxMessage]:
    with session_scope(url) as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def contact_views(url: str) -> list[AuditLog]:
    with session_scope(url) as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.table == "partner_contact")))


@pytest.fixture()
def desk(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from bot.facilitators import FacilitatorDesk
    from lotse.settings import load_settings

    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    yield FacilitatorDesk()
    load_settings.cache_clear()


def test_a_requests_contacts_are_those_of_its_offers_and_their_organisations(
    people: str,
) -> None:
    request_id = book(people)  # housing in Lörrach
    with session_scope(people) as s:
        request = s.get(CallbackRequest, request_id)
        cards = staff_contacts.request_contacts(s, request)
    assert [(c.name, c.offer) for c in cards] == [
        ("Olga Offerlich", "Fachstelle Wohnen Lörrach"),
        ("Ole Org", ""),  # the whole organisation's
    ]
    assert cards[0].organization == "Stadt Lörrach" and cards[0].substitute.startswith("Sina")


def test_a_request_whose_topic_has_no_offer_there_gets_the_general_counsellings(
    people: str,
) -> None:
    with session_scope(people) as s:
        offers = staff_contacts.offers_for_request(
            s, CallbackRequest(topic="health", place="Lörrach", language="ar")
        )  # no health offer in the test catalogue
        assert offers and {o.topic for o in offers} == {"general"}
        unknown = staff_contacts.offers_for_request(
            s, CallbackRequest(topic="weltraum", place="Lörrach", language="de")
        )
        assert unknown and {o.topic for o in unknown} == {"general"}
        assert (
            staff_contacts.offers_for_request(
                s, CallbackRequest(topic="housing", place="", language="de")
            )
            == []
        )  # an anonymised request


def test_the_controls_of_the_one_who_took_it_have_the_button_the_desk_post_not() -> None:
    request = CallbackRequest(
        id=7, reference="R-TEST7", topic="housing", place="Lörrach", language="ar"
    )
    request.preferred_day, request.preferred_part = booking().preferred_day, "am"
    _, controls = facilitator_controls(request, "de")
    _, group = desk_post(request, "de")
    payloads = [b.payload for row in controls for b in row]
    assert f"{DESK_PREFIX}contacts:7" in payloads
    assert [b.payload for row in group for b in row] == [f"{DESK_PREFIX}take:7"]


async def test_the_holder_gets_the_contacts_privately_and_it_is_audited(people: str, desk) -> None:
    request_id = book(people)
    claim(people, request_id)
    before = len(outbox(people))
    answer = await desk.on_desk_button(ANNA, f"{DESK_PREFIX}contacts:{request_id}")
    assert answer.alert is None
    new = outbox(people)[before:]
    assert {m.chat_id for m in new} == {ANNA}  # her private chat, nothing to the group
    sent = "\n".join(m.text for m in new)
    assert "vertraulich" in sent and "R-" in sent
    for shown in ("Olga Offerlich", "Sachgebietsleitung", "+49 7621 555 1111", "Ole Org"):
        assert shown in sent
    assert "Vertretung: Sina Stellvertreterin" in sent and "Bea Berlin" not in sent
    (view,) = contact_views(people)
    assert view.action == "view" and view.actor.endswith(":Anna")
    assert view.row_id == f"request:{request_id}" and len(view.changes) == 2
    assert not [s for s in SECRETS if s in json.dumps(view.changes, ensure_ascii=False)]


async def test_nobody_but_the_holder_gets_them(people: str, desk) -> None:
    request_id = book(people)
    press = f"{DESK_PREFIX}contacts:{request_id}"
    before = len(outbox(people))
    assert (await desk.on_desk_button(ANNA, press)).alert  # open: nobody holds it yet
    claim(people, request_id)
    after_claim = len(outbox(people))
    colleague = await desk.on_desk_button(BORIS, press)  # same region, not the holder
    stranger = await desk.on_desk_button(NORA, press)  # another region
    client = await desk.on_desk_button(CLIENT, press)  # not a facilitator at all
    assert colleague.alert and stranger.alert and client.alert
    assert len(outbox(people)) == after_claim and after_claim > before
    assert contact_views(people) == []


async def test_the_contacts_text_in_every_facilitator_language(people: str) -> None:
    with session_scope(people) as s:
        cards = staff_contacts.request_contacts(s, s.get(CallbackRequest, book(people)))
    for language in LANGUAGES:
        shown = staff_contacts.contacts_text(cards, language, "R-ABCDE")
        assert "R-ABCDE" in shown and "Olga Offerlich" in shown and "{" not in shown
        empty = staff_contacts.contacts_text([], language, "R-ABCDE")
        assert "R-ABCDE" in empty
        assert text(language, "lotse_desk", "contacts")


async def test_none_on_record_is_said_and_not_logged(url: str, desk) -> None:
    request_id = book(url)
    claim(url, request_id)
    before = len(outbox(url))
    await desk.on_desk_button(ANNA, f"{DESK_PREFIX}contacts:{request_id}")
    (message,) = outbox(url)[before:]
    assert message.chat_id == ANNA and "keine Kontaktpersonen" in message.text
    assert contact_views(url) == []


# -- the workspace ------------------------------------------------------------------------------


@pytest.fixture()
def client(people: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from admin.app import create_app
    from lotse.settings import Settings, load_settings

    monkeypatch.setenv("DATABASE_URL", people)
    load_settings.cache_clear()
    http = TestClient(create_app(Settings(database_url=people)), base_url=BASE)
    http.headers["Origin"] = BASE
    yield http
    load_settings.cache_clear()


def reference_of(url: str, request_id: int) -> str:
    with session_scope(url) as s:
        request = s.get(CallbackRequest, request_id)
        assert request is not None
        return request.reference


def test_a_requests_page_shows_its_contacts_and_is_audited(client, people: str) -> None:
    request_id = book(people, contact_method="phone", phone="+49 170 5550000")
    reference = reference_of(people, request_id)
    sign_in(client, people, BORIS)
    listing = client.get("/workspace/requests")
    assert listing.status_code == 200 and reference in listing.text
    page = client.get(f"/workspace/request/{reference}")
    assert page.status_code == 200
    for shown in ("Olga Offerlich", "olga@loerrach.example.org", "Sina Stellvertreterin"):
        assert shown in page.text
    assert "Ole Org" in page.text and "Bea Berlin" not in page.text
    assert "5550000" not in page.text  # the client's number: only for whoever takes it
    (view,) = contact_views(people)
    assert view.actor.endswith(":Boris") and view.row_id == f"request:{request_id}"
    claim(people, request_id, ANNA)
    assert client.get(f"/workspace/request/{reference}").status_code == 404  # Anna's now
    client.cookies.clear()
    sign_in(client, people, ANNA)
    assert "5550000" in client.get(f"/workspace/request/{reference}").text


def test_another_regions_facilitator_gets_404_and_no_contacts(client, people: str) -> None:
    reference = reference_of(people, book(people))
    sign_in(client, people, NORA)  # Berlin
    assert reference not in client.get("/workspace/requests").text
    page = client.get(f"/workspace/request/{reference}")
    unknown = client.get("/workspace/request/R-ZZZZZ")
    assert page.status_code == unknown.status_code == 404
    assert "Olga" not in page.text
    assert contact_views(people) == []
    with session_scope(people) as s:
        refused = s.scalars(select(AuditLog).where(AuditLog.action == "refused")).all()
        assert {r.row_id for r in refused} == {reference, "R-ZZZZZ"}


def test_without_login_there_is_no_request_page(client, people: str) -> None:
    reference = reference_of(people, book(people))
    assert client.get("/workspace/requests").status_code == 401
    assert client.get(f"/workspace/request/{reference}").status_code == 401


def test_a_cases_page_shows_the_contacts_of_its_plan_and_requests(client, people: str) -> None:
    case_id = open_case(people, topic="general")
    with session_scope(people) as s:
        case = s.get(Case, case_id)
        plan.add_step(s, case, area="housing", by="Anna", offer_id=OFFER)
        reference = case.reference
    sign_in(client, people, ANNA)
    page = client.get(f"/workspace/case/{reference}")
    assert page.status_code == 200
    assert "Olga Offerlich" in page.text and "Ole Org" in page.text
    assert 'id="case-requests"' in page.text  # the case's request, linked
    (view,) = contact_views(people)
    assert view.row_id == f"case:{case_id}" and view.actor.endswith(":Anna")
