"""Named contact persons: imported with the matrix, shown to administrators (the table part of
the Schnittstellenpapier as PDF/XLSX), audited without their data — and in no client message,
HSDS export or matrix export."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from starlette.testclient import TestClient

from actions.offers import ActionFindOffers
from lotse import catalogue
from lotse.audit import AuditLog, acting_as
from lotse.catalogue import CatalogueError
from lotse.catalogue.contacts import PartnerContact, contacts_for
from lotse.db import session_scope
from tests.unit.partner_fixtures import admin_client
from tests.unit.test_actions import run, tracker

__all__ = ["admin_client"]
OFFER = "loe-weil-fachstelle-wohnen"
PERSON = {
    "contact_name": "Doris Kontaktperson|Emil Vertreter",
    "contact_function": "Sachgebietsleitung|Sachbearbeitung",
    "contact_phone": "+49 7621 555 4242|",
    "contact_email": "doris.kontakt@weil.example.org|emil@weil.example.org",
    "contact_substitute": "Emil Vertreter|",
}
SECRETS = ("Doris Kontaktperson", "555 4242", "doris.kontakt@", "Emil Vertreter")


def _matrix(tmp_path: Path, **extra: str) -> Path:
    with catalogue.DEMO_CATALOGUE.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        row = next(r for r in reader if r["id"] == OFFER)
    row.update(extra)
    path = tmp_path / "matrix.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*header, *PERSON])
        writer.writeheader()
        writer.writerow(row)
    return path


@pytest.fixture()
def with_contacts(db: str, tmp_path: Path) -> str:
    with session_scope(db) as s:
        catalogue.import_path(s, _matrix(tmp_path, **PERSON))
    return db


def test_contacts_come_with_the_matrix_and_go_with_it(with_contacts: str, tmp_path: Path) -> None:
    with session_scope(with_contacts) as s:
        people = contacts_for(s, [OFFER])
        assert [(c.name, c.function, c.phone, c.substitute) for c in people] == [
            ("Doris Kontaktperson", "Sachgebietsleitung", "+49 7621 555 4242", "Emil Vertreter"),
            ("Emil Vertreter", "Sachbearbeitung", "", ""),
        ]
        assert people[0].organization_id == "stadt-weil-am-rhein"
    empty = dict.fromkeys(PERSON, "")
    with session_scope(with_contacts) as s:
        catalogue.import_path(s, _matrix(tmp_path, **empty))
        assert contacts_for(s, [OFFER]) == []


def test_a_bad_contact_is_reported_and_nothing_is_imported(db: str, tmp_path: Path) -> None:
    bad = {**PERSON, "contact_email": "keine-adresse|"}
    with pytest.raises(CatalogueError) as error, session_scope(db) as s:
        catalogue.import_path(s, _matrix(tmp_path, **bad))
    assert any(":2: contact_email:" in p for p in error.value.problems)
    nameless = {**PERSON, "contact_name": "|"}
    with pytest.raises(CatalogueError) as error, session_scope(db) as s:
        catalogue.import_path(s, _matrix(tmp_path, **nameless))
    assert any("contact_name: must not be empty" in p for p in error.value.problems)


async def test_no_contact_reaches_a_client(with_contacts: str) -> None:
    slots = {
        "topic": "housing",
        "subtopic": "housing_office",
        "location": "Weil am Rhein",
        "residence_status": "settled",
        "age_group": "27_plus",
        "language": "de",
    }
    dispatcher, _ = await run(ActionFindOffers(), tracker(slots))
    sent = json.dumps(dispatcher.messages, ensure_ascii=False)
    assert "Fachstelle Wohnen der Stadt Weil am Rhein" in sent
    assert not [s for s in SECRETS if s in sent]


def test_no_contact_is_in_the_hsds_or_matrix_export(with_contacts: str, tmp_path: Path) -> None:
    with session_scope(with_contacts) as s:
        catalogue.export_path(s, tmp_path / "hsds.zip")
        catalogue.export_path(s, tmp_path / "matrix.csv")
        catalogue.export_path(s, tmp_path / "matrix.xlsx")
    with zipfile.ZipFile(tmp_path / "hsds.zip") as package:
        text = " ".join(package.read(n).decode("utf-8", "replace") for n in package.namelist())
    text += (tmp_path / "matrix.csv").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "matrix.xlsx") as book:
        text += " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    assert "Fachstelle Wohnen der Stadt Weil am Rhein" in text
    assert not [s for s in SECRETS if s in text]


def test_contact_changes_are_audited_without_the_person(with_contacts: str) -> None:
    with acting_as("Amina"), session_scope(with_contacts) as s:
        person = s.scalars(select(PartnerContact).where(PartnerContact.name.like("Doris%"))).one()
        person.email = "doris.neu@weil.example.org"
        s.delete(s.scalars(select(PartnerContact).where(PartnerContact.name.like("Emil%"))).one())
    with session_scope(with_contacts) as s:
        entries = s.scalars(select(AuditLog).where(AuditLog.table == "partner_contact")).all()
        assert {e.action for e in entries} == {"update", "delete"}
        logged = json.dumps([e.changes for e in entries], ensure_ascii=False)
        assert "doris" not in logged.lower() and "Emil" not in logged and "4242" not in logged


def test_the_admin_table_part_and_its_downloads(
    admin_client: TestClient, with_contacts: str
) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    page = admin_client.get("/admin/partners", params={"region": "Landkreis Lörrach"})
    assert "Doris Kontaktperson" in page.text and "Stadt Weil am Rhein" in page.text
    assert "Doris Kontaktperson" in admin_client.get("/admin/partner-contact/list").text
    xlsx = admin_client.get(
        "/admin/partners", params={"region": "Landkreis Lörrach", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Doris Kontaktperson" in cells and "Stadt Weil am Rhein" in cells
    pdf = admin_client.get(
        "/admin/partners", params={"region": "Landkreis Lörrach", "format": "pdf"}
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Schnittstellenpapier Landkreis Lörrach" in text and "Doris Kontaktperson" in text
    assert admin_client.get("/admin/partners", params={"region": "Atlantis"}).status_code == 404


def test_the_table_says_what_each_person_is_for_and_its_downloads_are_audited(
    admin_client: TestClient, with_contacts: str
) -> None:
    from datetime import date

    from openpyxl import load_workbook

    params = {"region": "Landkreis Lörrach"}
    with session_scope(with_contacts) as s:
        s.add(PartnerContact(organization_id="stadt-weil-am-rhein", name="Olaf Organisation"))
    xlsx = admin_client.get("/admin/partners", params={**params, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert f"Stand {date.today():%d.%m.%Y}" in rows[0][0] and "Zuständig für" in rows[1]
    column = rows[1].index("Zuständig für")
    person = {row[column - 1]: row[column] for row in rows[2:]}
    assert person["Doris Kontaktperson"] == "Fachstelle Wohnen der Stadt Weil am Rhein"
    assert person["Olaf Organisation"] == "ganze Organisation"
    admin_client.get("/admin/partners", params={**params, "format": "pdf"})
    admin_client.get("/admin/partners", params=params)  # the page itself: admins edit there
    with session_scope(with_contacts) as s:
        exports = s.scalars(
            select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)
        ).all()
        assert [(e.actor, e.row_id) for e in exports[-2:]] == [
            ("Amina", "Landkreis Lörrach (xlsx)"),
            ("Amina", "Landkreis Lörrach (pdf)"),
        ]
        s.execute(delete(PartnerContact).where(PartnerContact.name == "Olaf Organisation"))


async def test_no_contact_reaches_a_client_or_the_desk_group_through_a_request(
    with_contacts: str,
) -> None:
    """(Last: its desk, facilitator and audit rows stay in the module's database.) A request in
    Weil am Rhein, taken; the holder asks for the partners' contacts and chats
    with the client: only the holder's private chat carries a contact, never the client's
    messages (the case question, chat, /status) nor the desk group's posts."""
    from bot.facilitators import FacilitatorDesk
    from lotse.requests import callbacks, registry
    from lotse.requests.models import OutboxMessage

    group, holder, client = -4242, 4242, 4343
    with session_scope(with_contacts) as s:
        registry.save_desk(s, "Landkreis Lörrach", group)
        registry.save_facilitator(s, holder, "Hana", ["Landkreis Lörrach"], ["de"])
        booking = callbacks.Booking(
            conversation_id=f"tg:{client}",
            client_chat_id=client,
            topic="housing",
            place="Weil am Rhein",
            language="de",
            preferred_day=date(2026, 11, 24),
            preferred_part="am",
        )
        request_id = callbacks.book(s, booking).id
    desk = FacilitatorDesk()
    for action in ("take", "contacts", "chat"):
        assert (await desk.on_desk_button(holder, f"@desk:{action}:{request_id}")).alert is None
    await desk.on_text(holder, f"tg:{holder}", "Guten Tag, ich rufe Sie morgen an.")
    await desk.on_text(None, f"tg:{client}", "Danke, wer ist dort zuständig?")
    status, _ = await desk.status(f"tg:{client}", "de")
    with session_scope(with_contacts) as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id))
        sent = [(m.chat_id, m.text + json.dumps(m.buttons, ensure_ascii=False)) for m in rows]
        sent += [(m.chat_id, m.text) for m in s.scalars(select(OutboxMessage))]
    private = " ".join(text for chat, text in sent if chat == holder)
    assert "Doris Kontaktperson" in private and "doris.kontakt@" in private
    others = [text for chat, text in sent if chat != holder] + [status]
    assert {chat for chat, _ in sent} >= {group, client}
    assert not [s for s in SECRETS if s in " ".join(others)]
