"""The facilitators' web workspace in a real browser (Debian's Chromium driven by Playwright):
log in through a one-time link as `/web` makes it, open the case list and a case, add a note,
download the plan PDF in German and in the client's language."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lotse import admin_accounts, catalogue
from lotse.cases import access, assessment, plan
from lotse.cases.models import Case, CaseEvent
from lotse.db import session_scope
from lotse.requests import registry
from lotse.runtime import migrate
from tests.conftest import fresh_database_url, project_root
from tests.e2e.conftest import free_port, stop, wait_for
from tests.e2e.test_admin_browser import CHROMIUM, SCREENSHOTS
from tests.unit.catalogue_fixtures import write_catalogue
from tests.unit.test_cases import ANNA, COORDINATOR, DESK_CHAT, open_case, person

pytestmark = pytest.mark.e2e


@dataclass
class Workspace:
    base: str
    url: str
    reference: str


def seed(directory: Path) -> tuple[str, str]:
    """Anna's open case of an Arabic-speaking client in Lörrach, with an assessment and a plan."""
    url = fresh_database_url(directory)
    migrate.upgrade(url)
    places, offers = write_catalogue(directory)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
        registry.save_desk(s, "Landkreis Lörrach", DESK_CHAT, COORDINATOR)
        registry.save_facilitator(s, ANNA, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
        admin_accounts.add_account(s, "Amina Schulz", "Lotse-Test-Passwort-2026")
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert case is not None
        for field, value in (
            ("languages", "Arabisch (Muttersprache), Englisch B1"),
            ("german_level", "A2"),
            ("vocational", "Elektriker, 6 Jahre"),
            ("qualification_country", "Syrien"),
            ("need_housing", "Wohnung für vier Personen"),
        ):
            assessment.set_field(s, case, field, value, "Anna")
        plan.add_goal(s, case, "housing", "Eine eigene Wohnung finden", "Anna")
        plan.add_goal(s, case, "work", "Als Elektriker arbeiten", "Anna")
        plan.add_step(
            s,
            case,
            area="housing",
            by="Anna",
            offer_id="loe-housing-local",
            due_on=date.today() + timedelta(days=7),
        )
        plan.add_step(
            s,
            case,
            area="work",
            by="Anna",
            step_text="Zeugnisse übersetzen lassen",
            who="client",
            due_on=date.today() - timedelta(days=2),
            comment="Übersetzungsbüro am Marktplatz",
        )
        plan.review(s, case, "Anna", "Erstes Gespräch", date.today() + timedelta(days=30))
        return url, case.reference


@pytest.fixture(scope="module")
async def workspace(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Workspace]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make browser` installs Debian's chromium")
    directory = tmp_path_factory.mktemp("workspace")
    url, reference = seed(directory)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "ADMIN_PORT": str(port), "ADMIN_HOST": "127.0.0.1"}
    log = directory / "admin.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "admin"],
        cwd=project_root(),
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    await wait_for(lambda: "Lotse admin ready" in log.read_text(), 30, "admin ready", proc, log)
    yield Workspace(f"http://127.0.0.1:{port}", url, reference)
    stop(proc)


@pytest.fixture()
async def page():
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = await browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="de-DE", accept_downloads=True
        )
        yield await context.new_page()
        await browser.close()


def login_link(ws: Workspace) -> str:
    """The link `/web` in the bot sends (bot/case_flow.py)."""
    with session_scope(ws.url) as s:
        token = access.new_login_link(s, person(s, ANNA))
    return f"{ws.base}/workspace/login/{token}"


async def test_a_facilitator_works_on_a_case_in_the_browser(workspace: Workspace, page) -> None:
    link = login_link(workspace)
    await page.goto(link)
    await page.click("#login-button")
    await page.wait_for_url(f"{workspace.base}/workspace/")
    row = page.locator("#cases tr", has_text=workspace.reference)
    assert "1" in await row.locator("td.late").inner_text()  # the overdue step
    await page.screenshot(path=str(SCREENSHOTS / "workspace-cases.png"))

    await row.locator("a").click()
    await page.wait_for_url(f"**/workspace/case/{workspace.reference}")
    assert "Elektriker, 6 Jahre" in await page.locator("#assessment").inner_text()
    assert "(überfällig)" in await page.locator("#steps").inner_text()
    await page.fill("#note", "Zeugnisse liegen vor, Termin beim Übersetzungsbüro am 12.")
    async with page.expect_navigation():
        await page.click("#add-note")
    assert "Zeugnisse liegen vor" in await page.locator("#history").inner_text()
    await page.screenshot(path=str(SCREENSHOTS / "workspace-case.png"), full_page=True)

    for button, words in (("#pdf-de", "Integrationsplan"), ("#pdf-client", "F-")):
        async with page.expect_download() as info:
            await page.click(button)
        download = await info.value
        text = PdfReader(str(await download.path())).pages[0].extract_text()
        assert words in text and workspace.reference in text

    with session_scope(workspace.url) as s:
        notes = s.scalars(select(CaseEvent.text).where(CaseEvent.kind == "note")).all()
        assert notes == ["Zeugnisse liegen vor, Termin beim Übersetzungsbüro am 12."]

    await page.goto(link)  # the same link a second time
    async with page.expect_navigation():
        await page.click("#login-button")
    assert "schon benutzt oder abgelaufen" in await page.locator("#message").inner_text()
