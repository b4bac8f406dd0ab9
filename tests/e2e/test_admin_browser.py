"""The web admin in a real browser (Debian's Chromium driven by Playwright), against the same
database as the running bot: an edit in the admin is in the bot's next answer."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from lotse.audit import AuditLog
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from tests.conftest import project_root
from tests.e2e.conftest import ends_offer_list, free_port, replies_until, stop, wait_for

pytestmark = pytest.mark.e2e
PASSWORD = "Lotse-Test-Passwort-2026"
SCREENSHOTS = project_root() / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
async def admin(lotse, tmp_path_factory):
    """`python -m admin` on the bot's database, with a personal account made by `lotse admin add`
    (as `lotse run` starts it once an account exists)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make browser` installs Debian's chromium")
    port = free_port()
    env = {**lotse.env, "ADMIN_PORT": str(port)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "lotse.runtime.cli",
            "admin",
            "add",
            "Amina Schulz",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        cwd=project_root(),
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    log = tmp_path_factory.mktemp("admin") / "admin.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "admin"],
        cwd=project_root(),
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    seed_questions(lotse.env["DATABASE_URL"])
    await wait_for(lambda: "Lotse admin ready" in log.read_text(), 30, "admin ready", proc, log)
    yield base
    stop(proc)
    assert PASSWORD not in log.read_text(), "the admin password must never be logged"


def seed_questions(url: str) -> None:
    """Some weeks of anonymous question statistics, so the dashboard shows what it is for."""
    import random
    from datetime import timedelta

    from lotse import insights
    from lotse.models import utcnow

    rng = random.Random(5)
    topics = ["housing", "work", "education", "language_course", "authorities", "health"]
    languages = ["de", "ar", "uk", "ru", "tr", "fa", "fr", "en"]
    regions = ["Landkreis Lörrach", "Berlin"]
    with session_scope(url) as s:
        for _ in range(400):
            topic = rng.choice(topics)
            insights.record(
                s,
                text="",
                intent=f"ask_{topic}",
                confidence=rng.uniform(0.7, 1.0),
                language=rng.choices(languages, weights=[6, 5, 5, 3, 3, 2, 1, 1])[0],
                topic=topic,
                region=rng.choice(regions),
                now=utcnow() - timedelta(days=rng.randrange(60)),
            )
        for text in (
            "wo bekomme ich papiere für meine frau",
            "mein kind braucht hilfe in der schule",
        ):
            insights.record(s, text=text, intent="nlu_fallback", confidence=0.3, language="de")


@pytest.fixture()
async def page():
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        yield await context.new_page()
        await browser.close()


async def login(page, base: str, password: str = PASSWORD) -> None:
    await page.goto(f"{base}/admin/login")
    await page.fill("input[name=username]", "Amina Schulz")
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()


def service_id(url: str, name: str) -> str:
    with session_scope(url) as s:
        return s.scalar(select(Service.id).where(Service.name == name))


async def test_wrong_password_is_refused(admin, page) -> None:
    await login(page, admin, "falsch")
    assert "/admin/login" in page.url
    await page.goto(f"{admin}/admin/service/list")
    assert "/admin/login" in page.url  # no session


async def test_editing_opening_hours_reaches_the_bot(lotse, admin, page, new_user) -> None:
    url = lotse.env["DATABASE_URL"]
    name = "Fachstelle Wohnen der Stadt Weil am Rhein"
    sid = service_id(url, name)
    with session_scope(url) as s:
        before = s.get(Service, sid)
        kept = ([p.number for p in before.phones], before.language_codes)
    await login(page, admin)
    await page.goto(f"{admin}/admin/service/list")
    await page.screenshot(path=str(SCREENSHOTS / "admin-offers.png"))
    await page.goto(f"{admin}/admin/service/edit/{sid}")
    assert await page.input_value("input[name=phones_text]") == " | ".join(kept[0])  # prefilled
    await page.fill("input[name=hours_text]", "Mo-Fr 07:15-19:45; Sa 10:00-12:00")
    await page.screenshot(path=str(SCREENSHOTS / "admin-edit-offer.png"), full_page=True)
    await page.click("input[type=submit][name=save]")  # "Save"
    await page.wait_for_load_state()
    user = new_user("de")
    await user.send("Ich suche eine Wohnung in Weil am Rhein")
    seen = await replies_until(user, ends_offer_list)
    card = next(m["text"] for m in seen if name in m["text"])
    assert "Mo–Fr 7:15–19:45; Sa 10:00–12:00" in card
    with session_scope(url) as s:
        after = s.get(Service, sid)
        assert ([p.number for p in after.phones], after.language_codes) == kept  # untouched
        entry = s.scalars(select(AuditLog).where(AuditLog.row_id == sid)).first()
        assert entry is not None and entry.actor == "Amina Schulz" and entry.action == "update"


async def test_an_invalid_phone_number_shows_the_error_and_saves_nothing(
    lotse, admin, page
) -> None:
    url = lotse.env["DATABASE_URL"]
    sid = service_id(url, "Mieterberatung Neukölln")
    with session_scope(url) as s:
        before = [p.number for p in s.get(Service, sid).phones]
    await login(page, admin)
    await page.goto(f"{admin}/admin/service/edit/{sid}")
    await page.fill("input[name=phones_text]", "ruf uns an")
    await page.fill("input[name=name]", "Mieterberatung Neukölln (geändert)")
    await page.click("input[type=submit][name=save]")
    await page.wait_for_load_state()
    assert "is not a phone number like +49 7621 555 0123" in await page.content()
    with session_scope(url) as s:
        service = s.get(Service, sid)
        assert [p.number for p in service.phones] == before
        assert service.name == "Mieterberatung Neukölln"


async def test_freshness_insights_and_import_pages(admin, page) -> None:
    await login(page, admin)
    await page.goto(f"{admin}/admin/freshness")
    assert await page.locator("#stale-offers").count() == 1
    await page.screenshot(path=str(SCREENSHOTS / "admin-freshness.png"), full_page=True)
    await page.goto(f"{admin}/admin/insights")
    assert await page.locator("#charts svg").count() >= 4
    await page.screenshot(path=str(SCREENSHOTS / "admin-insights.png"), full_page=True)
    await page.goto(f"{admin}/admin/catalogue")
    broken = SCREENSHOTS.parent.parent / "var" / "broken-import.csv"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("id,organization,name,topic,service_area\nx,O,N,weather,Lörrach\n")
    await page.set_input_files("input[name=file]", str(broken))
    await page.click("#import-button")
    await page.wait_for_load_state()
    problems = await page.locator("#import-problems").inner_text()
    assert "Nichts wurde geändert" in problems and "unknown topic 'weather'" in problems


async def test_foreign_origin_and_login_flood_are_refused(admin) -> None:
    async with httpx.AsyncClient(base_url=admin, timeout=60) as http:
        foreign = await http.post(
            "/admin/login",
            data={"username": "x", "password": "y"},
            headers={"Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
        codes = []
        for _ in range(7):
            r = await http.post(
                "/admin/login",
                data={"username": "x", "password": "nope"},
                headers={"Origin": admin},
            )
            codes.append(r.status_code)
        assert codes[-1] == 429


async def test_offer_features_are_ticked_in_the_admin(lotse, admin, page) -> None:
    """Childcare, evening, youth career help: checkboxes on the offer's form (issue 19)."""
    url = lotse.env["DATABASE_URL"]
    sid = service_id(url, "Mieterberatung Neukölln")
    with session_scope(url) as s:
        assert not s.get(Service, sid).features
    await login(page, admin)
    await page.goto(f"{admin}/admin/service/edit/{sid}")
    await page.get_by_label("Kinderbetreuung während des Angebots").check()
    await page.get_by_label("Abends oder am Wochenende (neben der Arbeit)").check()
    await page.click("input[type=submit][name=save]")
    await page.wait_for_load_state()
    with session_scope(url) as s:
        assert sorted(s.get(Service, sid).features) == ["childcare", "evening"]
        entry = s.scalars(
            select(AuditLog).where(AuditLog.row_id == sid).order_by(AuditLog.id.desc())
        ).first()
        assert entry is not None and entry.actor == "Amina Schulz" and "features" in entry.changes
    await page.goto(f"{admin}/admin/service/edit/{sid}")  # the form shows what is stored
    assert await page.get_by_label("Kinderbetreuung während des Angebots").is_checked()
    await page.get_by_label("Abends oder am Wochenende (neben der Arbeit)").uncheck()
    await page.click("input[type=submit][name=save]")
    await page.wait_for_load_state()
    with session_scope(url) as s:
        assert s.get(Service, sid).features == ["childcare"]
