"""Case work end to end (issue 18, "Done when"): through the fake Bot API and a real browser.

An Arabic-speaking client asks for a callback; Anna takes it at the desk; the client agrees to a
case; Anna fills in part of the assessment in the web workspace (a wrong age is explained and
nothing typed is lost), the client adds to it with /profile; Anna writes a plan with a catalogue
offer step and a free-text step and a first review; the client sees /plan in Arabic and marks
the free-text step done; Anna sees it, and a review records the change as version 2; Anna hands
the case over to Boris with a note; the client is told; /delete leaves nothing of the case.
Boundaries on the way: Nora of Berlin cannot open the case page or plan PDF by URL, a used login
link is refused. Screenshots for the README come from here (docs/screenshots/case-*.png).

Uses only slash commands, buttons and "I want to talk to a person" (tests/nlu/e2e_messages.yml).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from lotse import admin_accounts
from lotse.audit import AuditLog
from lotse.cases.models import (
    AssessmentField,
    Case,
    CaseEvent,
    CaseRequest,
    PlanGoal,
    PlanStep,
    PlanVersion,
)
from lotse.db import session_scope
from lotse.i18n import section
from lotse.models import ButtonPayload
from lotse.protocol import CASE_PREFIX
from lotse.requests import registry
from tests.conftest import project_root
from tests.e2e.conftest import button_titles, free_port, replies_until, settle, stop, wait_for
from tests.e2e.test_admin_browser import CHROMIUM, SCREENSHOTS

pytestmark = pytest.mark.e2e

_ids = itertools.count(7_300_001)
DESK = -1_000_818
OFFER = "loe-loerrach-vhs"  # Integrationskurse der Volkshochschule Lörrach (Arabic description)
FREE_STEP = "Zeugnisse übersetzen lassen"


def ar(section_name: str, key: str) -> str:
    return str(section("ar", section_name)[key])


def ar_response(key: str) -> str:
    return str(section("ar", "lotse_responses")[key][0]["text"])


@dataclass
class Team:
    desk: Any
    anna: Any
    boris: Any
    nora: Any
    admin: str
    url: str


@pytest.fixture(scope="module")
async def team(lotse, fake_api, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Team]:
    """The Lörrach desk with Anna and Boris, Nora in Berlin, and the admin app (with the
    workspace) on the session's database."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make browser` installs Debian's chromium")
    url = lotse.env["DATABASE_URL"]
    desk = fake_api.group(DESK, "Desk Landkreis Lörrach (Fallarbeit)", "supergroup")
    anna = fake_api.user(next(_ids), first_name="Anna")
    boris = fake_api.user(next(_ids), first_name="Boris")
    nora = fake_api.user(next(_ids), first_name="Nora")
    with session_scope(url) as s:
        registry.save_desk(s, "Landkreis Lörrach", DESK)
        registry.save_facilitator(s, anna.id, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
        registry.save_facilitator(s, boris.id, "Boris", ["Landkreis Lörrach"], ["de"])
        registry.save_facilitator(s, nora.id, "Nora", ["Berlin"], ["de"])
        if not admin_accounts.any_active(s):  # the admin starts only with an account
            admin_accounts.add_account(s, "Amina Schulz", "Lotse-Test-Passwort-2026")
    port = free_port()
    log = tmp_path_factory.mktemp("case-admin") / "admin.log"
    env = {**os.environ, "DATABASE_URL": url, "ADMIN_PORT": str(port), "ADMIN_HOST": "127.0.0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "admin"],
        cwd=project_root(),
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    await wait_for(lambda: "Lotse admin ready" in log.read_text(), 30, "admin ready", proc, log)
    yield Team(desk, anna, boris, nora, f"http://127.0.0.1:{port}", url)
    stop(proc)


@pytest.fixture()
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        await chromium.close()


async def new_page(browser):
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="de-DE", accept_downloads=True
    )
    return await context.new_page()


async def book_in_arabic(client) -> str:
    """/language → Arabic, then a callback request through the form; returns its reference."""
    await client.send("/language")
    menu = await client.wait_for_reply(timeout=30)
    await client.press("العربية", message=menu)
    await client.wait_for_reply(timeout=30)
    await client.send("I want to talk to a person")
    question = await client.wait_for_reply(timeout=30)
    for _ in range(8):
        said = question.get("text") or ""
        if said == ar_response("utter_ask_callback_time"):
            await client.press(button_titles(question)[0], message=question)
        elif said == ar_response("utter_ask_contact_method"):
            await client.press(ar("lotse_callback", "contact_telegram"), message=question)
        elif ar("lotse_callback", "confirm") in button_titles(question):
            await client.press(ar("lotse_callback", "confirm"), message=question)
            booked = await client.wait_for_reply(timeout=30)
            match = re.search(r"R-[A-Z2-9]{5}", booked["text"])
            assert match, booked["text"]
            return match.group(0)
        elif button_titles(question):  # the topic
            await client.press(button_titles(question)[0], message=question)
        else:  # where the client lives
            await client.send("Lörrach")
        question = await client.wait_for_reply(timeout=30)
    raise AssertionError(f"the form did not end: {question.get('text')}")


async def take_button(fake, team: Team, reference: str) -> dict:
    """The request's [Take] button, on the desk or sent to Anna first (she speaks Arabic)."""
    take = str(section("de", "lotse_desk")["take"])

    def find() -> dict | None:
        for chat in (DESK, team.anna.id):
            for message in fake.messages(chat):
                if reference in (message.get("text") or "") and take in button_titles(message):
                    return message
        return None

    await fake.wait_until(lambda: find() is not None, 30, f"[Take] for {reference}")
    found = find()
    assert found is not None
    return found


def token_for(url: str, conversation_id: str, payload: str) -> str:
    """The newest button token that stands for `payload` in the client's chat."""
    with session_scope(url) as s:
        token = s.scalars(
            select(ButtonPayload.token)
            .where(ButtonPayload.conversation_id == conversation_id)
            .where(ButtonPayload.payload == payload)
            .order_by(ButtonPayload.created_at.desc())
        ).first()
    assert token, payload
    return token


async def web_link(team: Team) -> str:
    """/web in Anna's chat with the bot; the link pointed at the test's admin."""
    await team.anna.send("/web")
    reply = await replies_until(team.anna, lambda m: "/workspace/login/" in (m.get("text") or ""))
    token = reply[-1]["text"].split("/workspace/login/")[1].split()[0]
    return f"{team.admin}/workspace/login/{token}"


async def submit(page, button: str) -> None:
    async with page.expect_navigation():
        await page.click(button)


async def test_case_work_from_request_to_delete(lotse, fake_api, new_user, team, browser) -> None:
    url = team.url
    client = new_user("ar")
    conversation = f"tg:{client.id}"

    # request → claim → the client agrees
    reference = await book_in_arabic(client)
    post = await take_button(fake_api, team, reference)
    await team.anna.press(str(section("de", "lotse_desk")["take"]), message=post)
    consent_yes = ar("lotse_case", "consent_yes")
    asked = await replies_until(client, lambda m: consent_yes in button_titles(m))
    assert "\u2068Anna\u2069" in asked[-1]["text"] and "/delete" in asked[-1]["text"]
    await client.press(consent_yes, message=asked[-1])
    opened = await replies_until(client, lambda m: "/plan" in (m.get("text") or ""))
    assert opened[-1]["text"].startswith("شكرًا لكم")
    told = await replies_until(team.anna, lambda m: "Fallakte F-" in (m.get("text") or ""))
    case_ref = re.search(r"F-[A-Z2-9]{5}", told[-1]["text"]).group(0)  # type: ignore[union-attr]

    # the workspace: log in with the link /web sends
    page = await new_page(browser)
    link = await web_link(team)
    await page.goto(link)
    await submit(page, "#login-button")
    row = page.locator("#cases tr", has_text=case_ref)
    await row.locator("a").click()
    await page.wait_for_url(f"**/workspace/case/{case_ref}")

    # assessment, part by the facilitator: a wrong age is explained, nothing typed is lost
    await page.click("#assessment-edit summary")
    await page.fill("#f-languages", "Arabisch (Muttersprache), Englisch B1")
    await page.select_option("#f-german_level", "A2")
    await page.fill("#f-vocational", "Elektriker, 6 Jahre")
    await page.fill("#f-qualification_country", "Syrien")
    await page.fill("#f-need_housing", "Wohnung für vier Personen")
    await page.fill("#f-children", "vier und neun")
    await submit(page, "#save-assessment")
    assert "Alter der Kinder: bitte nur Zahlen" in await page.locator("#error").inner_text()
    assert await page.input_value("#f-vocational") == "Elektriker, 6 Jahre"
    await page.locator("#assessment").screenshot(path=str(SCREENSHOTS / "case-assessment.png"))
    with session_scope(url) as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == case_ref))
        stored = s.scalars(select(AssessmentField).where(AssessmentField.case_id == case_id))
        assert stored.all() == []  # nothing of the refused form was saved
    await page.fill("#f-children", "4, 9")
    await submit(page, "#save-assessment")
    assessment_text = await page.locator("#assessment dl").inner_text()
    assert "Syrien" in assessment_text and "4, 9" in assessment_text

    # … and part by the client with /profile, in Arabic
    await client.send("/profile")
    profile = await replies_until(client, lambda m: ar("lotse_case", "add") in button_titles(m))
    assert "Elektriker, 6 Jahre" in profile[-1]["text"]
    await client.press(ar("lotse_case", "add"), message=profile[-1])
    fields = await client.wait_for_reply(timeout=30)
    await client.press(ar("lotse_case", "field_interests"), message=fields)
    await client.wait_for_reply(timeout=30)  # "please write: interests"
    await client.send("كرة القدم والطبخ")
    saved = await client.wait_for_reply(timeout=30)
    assert saved["text"].startswith("تم الحفظ")
    await page.reload()
    assert "كرة القدم والطبخ" in await page.locator("#assessment dl").inner_text()

    # the plan: a goal, a catalogue offer step, a free-text step, a first review
    await page.select_option("#goal-area", "language")
    await page.fill("#goal-text", "Deutsch B1 erreichen")
    await submit(page, "#add-goal")
    soon = date.today() + timedelta(days=14)
    form = page.locator("#step-form")
    await form.locator("[name=area]").select_option("language")
    await form.locator("[name=offer_id]").fill(OFFER)
    await form.locator("[name=due_on]").fill(soon.isoformat())
    await submit(page, "#add-step")
    if await page.locator("#step-new").get_attribute("open") is None:
        await page.click("#step-new summary")
    await form.locator("[name=area]").select_option("work")
    await form.locator("[name=text]").fill(FREE_STEP)
    await form.locator("[name=who]").select_option("client")
    await form.locator("[name=due_on]").fill((soon - timedelta(days=7)).isoformat())
    await submit(page, "#add-step")
    steps_text = await page.locator("#steps").inner_text()
    assert "Integrationskurse der Volkshochschule Lörrach" in steps_text and FREE_STEP in steps_text
    await page.fill("#review-reason", "Erstes Gespräch: Plan gemeinsam vereinbart")
    await page.fill("#review-next", (date.today() + timedelta(days=30)).isoformat())
    await submit(page, "#save-review")
    assert "Version 1" in await page.locator("#versions").inner_text()

    # the client sees /plan in Arabic and marks the free-text step done
    await client.send("/plan")
    shown = await replies_until(
        client, lambda m: ar("lotse_case", "step_done") in button_titles(m), timeout=30
    )
    shown += await settle(client, quiet=2)
    plan_text = "\n".join(m.get("text") or "" for m in shown)
    assert ar("lotse_case", "plan_header") in plan_text
    assert "الجامعة الشعبية" in plan_text  # the offer's description from the Arabic catalogue
    assert FREE_STEP in plan_text  # free text as written
    with session_scope(url) as s:
        free_id = s.scalar(select(PlanStep.id).where(PlanStep.text == FREE_STEP))
    token = token_for(url, conversation, f"{CASE_PREFIX}done:{free_id}")
    holder = next(m for m in reversed(shown) if button_titles(m))
    await client.press(callback_data=token, message=holder)
    done = await client.wait_for_reply(timeout=30)
    assert done["text"].startswith("رائع")
    notice = await replies_until(team.anna, lambda m: "erledigt" in (m.get("text") or ""))
    assert FREE_STEP in notice[-1]["text"] and case_ref in notice[-1]["text"]

    # the facilitator sees it; a review records the change as version 2
    await page.reload()
    status = page.locator(f"#step-{free_id} > td:last-child select[name=status]")
    assert await status.input_value() == "done"
    await page.fill("#review-reason", "Zeugnisse sind übersetzt; als Nächstes die Anerkennung")
    await submit(page, "#save-review")
    versions = await page.locator("#versions").inner_text()
    assert "Version 2" in versions
    assert f"Stand: geplant → erledigt (Arbeit und Anerkennung: {FREE_STEP})" in versions
    await page.screenshot(path=str(SCREENSHOTS / "case-plan.png"), full_page=True)

    # a colleague of another region cannot open the case page or its PDF by URL
    other = await new_page(browser)
    await team.nora.send("/web")
    nora_link = await replies_until(
        team.nora, lambda m: "/workspace/login/" in (m.get("text") or "")
    )
    nora_token = nora_link[-1]["text"].split("/workspace/login/")[1].split()[0]
    await other.goto(f"{team.admin}/workspace/login/{nora_token}")
    await submit(other, "#login-button")
    for path in ("", "/plan.pdf?lang=de", "/plan.pdf?lang=ar"):
        answer = await other.goto(f"{team.admin}/workspace/case/{case_ref}{path}")
        assert answer is not None and answer.status == 404, path
        assert "Syrien" not in await other.content()
    # and Anna's used link opens nothing
    await other.context.clear_cookies()
    await other.goto(link)
    await submit(other, "#login-button")
    assert "schon benutzt oder abgelaufen" in await other.locator("#message").inner_text()

    # handover to a named colleague with a note; the client is told
    with session_scope(url) as s:
        everyone = registry.facilitators(s)  # several "Boris" across the session: by id
        boris_id = next(p.id for p in everyone if p.telegram_user_id == team.boris.id)
    await page.select_option("#handover-to", str(boris_id))
    await page.fill("#handover-note", "Termin zur Anerkennung am 3. mit IQ vereinbaren")
    await submit(page, "#hand-over")
    assert await page.locator("#responsible").inner_text() == "Boris"
    to_client = await replies_until(client, lambda m: "Boris" in (m.get("text") or ""))
    assert to_client[-1]["text"].startswith("من الآن يتولى")
    assert "Anerkennung" not in to_client[-1]["text"]  # the note is for the colleague
    to_boris = await replies_until(team.boris, lambda m: case_ref in (m.get("text") or ""))
    assert "IQ vereinbaren" in to_boris[-1]["text"]

    # /delete leaves nothing of the case
    await client.send("/delete")
    confirm = await client.wait_for_reply(timeout=30)
    await client.press(ar("lotse_gateway_texts", "delete_yes"), message=confirm)
    erased = await client.wait_for_reply(timeout=30)
    assert erased["text"] == ar("lotse_gateway_texts", "deleted")
    with session_scope(url) as s:
        assert s.get(Case, case_id) is None
        for table in (AssessmentField, CaseEvent, CaseRequest, PlanGoal, PlanStep, PlanVersion):
            assert s.scalars(select(table).where(table.case_id == case_id)).all() == [], table
        logged = json.dumps([r.changes for r in s.scalars(select(AuditLog))], ensure_ascii=False)
        for value in ("Syrien", "Elektriker", "كرة القدم", FREE_STEP, "IQ vereinbaren"):
            assert value not in logged  # the audit log kept names of fields, never values
        dumped = "\n".join(
            str(row) for row in s.execute(text("SELECT * FROM case_file")).all()
        ) + "\n".join(str(row) for row in s.execute(text("SELECT * FROM plan_step")).all())
        assert case_ref not in dumped and FREE_STEP not in dumped
    gone = await replies_until(team.boris, lambda m: "gelöscht" in (m.get("text") or ""))
    assert case_ref in gone[-1]["text"] and "Syrien" not in gone[-1]["text"]
    await page.reload()
    assert "gibt es nicht" in await page.locator("#message").inner_text()
