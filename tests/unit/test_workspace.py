"""The facilitators' web workspace (issue 18): login by a one-time link spent with a POST, who
may open which case page and plan PDF, notes and step changes with validation, the audit log,
and the plan PDF in German and in the client's language (Arabic right to left)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from starlette.testclient import TestClient

from lotse import admin_accounts
from lotse.audit import AuditLog
from lotse.cases import access, assessment, plan
from lotse.cases.models import Case, CaseEvent, PlanStep, WorkspaceLogin
from lotse.cases.plan_pdf import plan_pdf
from lotse.db import session_scope
from lotse.models import utcnow
from tests.unit.test_cases import ANNA, BORIS, COORDINATOR, NORA, open_case, person, url

__all__ = ["url"]  # the fixture, shared with the core's case tests
BASE = "http://admin.test"


@pytest.fixture()
def client(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from admin.app import create_app
    from lotse.settings import Settings, load_settings

    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    http = TestClient(create_app(Settings(database_url=url)), base_url=BASE)
    http.headers["Origin"] = BASE
    yield http
    load_settings.cache_clear()


@pytest.fixture()
def case_ref(url: str) -> str:
    """Anna's open case of an Arabic-speaking client in Lörrach, with a plan and an answer."""
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert case is not None
        plan.add_goal(s, case, "housing", "Eine eigene Wohnung finden", "Anna")
        plan.add_step(s, case, area="housing", by="Anna", offer_id="loe-housing-local")
        plan.add_step(
            s,
            case,
            area="work",
            by="Anna",
            step_text="Zeugnisse übersetzen lassen",
            due_on=date.today() - timedelta(days=3),
        )
        assessment.set_field(s, case, "german_level", "A2", "Anna")
        return case.reference


def link_for(url: str, telegram_id: int, now: object = None) -> str:
    with session_scope(url) as s:
        return access.new_login_link(s, person(s, telegram_id), now)  # type: ignore[arg-type]


def sign_in(client: TestClient, url: str, telegram_id: int) -> None:
    token = link_for(url, telegram_id)
    page = client.get(f"/workspace/login/{token}")
    assert page.status_code == 200 and "login-button" in page.text
    answer = client.post(f"/workspace/login/{token}", follow_redirects=False)
    assert answer.status_code == 303, answer.text


def audit_rows(url: str, action: str) -> list[AuditLog]:
    with session_scope(url) as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_opening_the_link_does_not_spend_it_only_the_button_does(client, url, case_ref) -> None:
    token = link_for(url, ANNA)
    for _ in range(2):  # a chat app's link preview, then the person
        assert client.get(f"/workspace/login/{token}").status_code == 200
    assert client.post(f"/workspace/login/{token}", follow_redirects=False).status_code == 303
    listing = client.get("/workspace/")
    assert listing.status_code == 200 and case_ref in listing.text
    assert 'class="late">1<' in listing.text  # the overdue step is counted


def test_a_used_link_is_refused(client, url, case_ref) -> None:
    token = link_for(url, ANNA)
    client.post(f"/workspace/login/{token}")
    other = TestClient(client.app, base_url=BASE, headers={"Origin": BASE})
    again = other.post(f"/workspace/login/{token}", follow_redirects=False)
    assert again.status_code == 403 and "schon benutzt oder abgelaufen" in again.text
    assert other.get("/workspace/").status_code == 401


def test_an_expired_or_made_up_link_is_refused(client, url, case_ref) -> None:
    old = link_for(url, ANNA, utcnow() - timedelta(minutes=6))
    assert client.post(f"/workspace/login/{old}").status_code == 403
    assert client.post("/workspace/login/ausgedacht").status_code == 403
    assert client.get("/workspace/").status_code == 401
    with session_scope(url) as s:
        assert s.scalar(select(WorkspaceLogin.used_at)) is None  # the expired one stays unspent


def test_a_login_post_from_another_site_is_refused_and_spends_nothing(client, url) -> None:
    token = link_for(url, ANNA)
    foreign = client.post(f"/workspace/login/{token}", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert client.post(f"/workspace/login/{token}", follow_redirects=False).status_code == 303


def test_a_facilitator_of_another_region_cannot_open_the_case_or_its_pdf(
    client, url, case_ref
) -> None:
    sign_in(client, url, NORA)  # Berlin
    assert case_ref not in client.get("/workspace/").text
    page = client.get(f"/workspace/case/{case_ref}")
    pdf = client.get(f"/workspace/case/{case_ref}/plan.pdf?lang=de")
    unknown = client.get("/workspace/case/F-ZZZZZ")
    assert page.status_code == pdf.status_code == unknown.status_code == 404
    assert "Wohnung" not in page.text + pdf.text
    note = client.post(f"/workspace/case/{case_ref}/note", data={"note": "eingeschleust"})
    assert note.status_code == 404
    with session_scope(url) as s:
        assert s.scalar(select(CaseEvent).where(CaseEvent.text == "eingeschleust")) is None
    refusals = audit_rows(url, "refused")
    assert len(refusals) == 4 and all(r.actor.endswith(":Nora") for r in refusals)


def test_colleagues_of_the_region_and_the_coordinator_see_the_case(client, url, case_ref) -> None:
    for telegram_id in (BORIS, COORDINATOR):
        client.cookies.clear()
        sign_in(client, url, telegram_id)
        assert client.get(f"/workspace/case/{case_ref}").status_code == 200


def test_an_admin_account_sees_no_case_content(client, url, case_ref) -> None:
    with session_scope(url) as s:
        admin_accounts.add_account(s, "Amina", "ein-langes-Passwort")
    client.post("/admin/login", data={"username": "Amina", "password": "ein-langes-Passwort"})
    assert client.get("/admin/").status_code == 200
    assert client.get("/workspace/").status_code == 401
    assert client.get(f"/workspace/case/{case_ref}").status_code == 401
    assert client.get(f"/workspace/case/{case_ref}/plan.pdf").status_code == 401


def test_the_case_page_shows_assessment_plan_and_history_and_is_audited(
    client, url, case_ref
) -> None:
    sign_in(client, url, ANNA)
    page = client.get(f"/workspace/case/{case_ref}")
    assert page.status_code == 200
    for shown in ("Deutschniveau", "A2", "Eine eigene Wohnung finden", "Zeugnisse übersetzen"):
        assert shown in page.text
    assert "(überfällig)" in page.text
    with session_scope(url) as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == case_ref))
    views = [r for r in audit_rows(url, "view") if r.row_id == str(case_id)]
    assert views and views[0].actor.endswith(":Anna")
    assert "A2" not in str(views[0].changes)  # who looked, never what


def test_a_note_and_a_step_status_are_saved_and_bad_input_is_explained(
    client, url, case_ref
) -> None:
    sign_in(client, url, ANNA)
    saved = client.post(f"/workspace/case/{case_ref}/note", data={"note": "Termin vereinbart"})
    assert saved.status_code == 200 and "Termin vereinbart" in saved.text
    empty = client.post(f"/workspace/case/{case_ref}/note", data={"note": "   "})
    assert empty.status_code == 400 and "Die Notiz ist leer" in empty.text
    too_long = client.post(f"/workspace/case/{case_ref}/note", data={"note": "x" * 4001})
    assert too_long.status_code == 400 and "höchstens 4000" in too_long.text
    with session_scope(url) as s:
        step = s.scalar(select(PlanStep).where(PlanStep.area == "work"))
        step_id = step.id
    done = client.post(f"/workspace/case/{case_ref}/step/{step_id}", data={"status": "done"})
    assert done.status_code == 200
    bad = client.post(f"/workspace/case/{case_ref}/step/{step_id}", data={"status": "vergessen"})
    assert bad.status_code == 400 and "Unbekannter Stand" in bad.text
    stray = client.post(f"/workspace/case/{case_ref}/step/999999", data={"status": "done"})
    assert stray.status_code == 400
    with session_scope(url) as s:
        assert s.get(PlanStep, step_id).status == "done"
        notes = s.scalars(select(CaseEvent.text).where(CaseEvent.kind == "note")).all()
        assert notes == ["Termin vereinbart"]
    assert [r.table for r in audit_rows(url, "create")] == ["case_event"]
    assert [r.table for r in audit_rows(url, "update")] == ["plan_step"]
    foreign = client.post(
        f"/workspace/case/{case_ref}/note",
        data={"note": "von fremd"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


def test_the_plan_pdf_in_german_and_in_arabic(client, url, case_ref) -> None:
    sign_in(client, url, ANNA)
    german = client.get(f"/workspace/case/{case_ref}/plan.pdf?lang=de")
    arabic = client.get(f"/workspace/case/{case_ref}/plan.pdf?lang=ar")
    assert german.headers["content-type"] == "application/pdf"
    assert arabic.headers["content-type"] == "application/pdf"
    assert client.get(f"/workspace/case/{case_ref}/plan.pdf?lang=ru").status_code == 400
    german_text = PdfReader(io.BytesIO(german.content)).pages[0].extract_text()
    assert "Integrationsplan" in german_text and "Zeugnisse übersetzen lassen" in german_text
    assert "Wohnen" in german_text
    assert len(PdfReader(io.BytesIO(arabic.content)).pages) >= 1


def test_arabic_is_shaped_right_to_left(url, case_ref) -> None:
    """HarfBuzz turns the letters into their joined forms: the PDF's text holds presentation
    forms or the shaped glyph order, not the bare sequence of a left-to-right run."""
    with session_scope(url) as s:
        case = s.scalar(select(Case).where(Case.reference == case_ref))
        arabic = plan_pdf(s, case, "ar")
        german = plan_pdf(s, case, "de")
    assert arabic.startswith(b"%PDF") and german.startswith(b"%PDF")
    assert arabic != german
    text = PdfReader(io.BytesIO(arabic)).pages[0].extract_text()
    assert "F-" in text  # the reference, kept left to right inside the Arabic line
