"""The Schnittstellenpapier in a real browser (issue 20): the Schaubild of the demo regions with
its known gap and its PDF, the gap radar, and a partner's link — confirm, correct, approval by an
administrator, the correction in the bot's next answer; an expired link refused."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta

import pytest

from lotse import insights
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.partners import links
from tests.conftest import project_root
from tests.e2e.conftest import ends_offer_list, free_port, replies_until, stop, wait_for
from tests.e2e.test_admin_browser import CHROMIUM, PASSWORD, SCREENSHOTS, login, page

__all__ = ["page"]
pytestmark = pytest.mark.e2e
OFFER = "Fachstelle Wohnen der Stadt Weil am Rhein"
NEW_PHONE = "+49 7621 555 7070"


@pytest.fixture(scope="module")
async def admin(lotse, tmp_path_factory):
    """The admin on the bot's database; the account may exist from another browser module."""
    from pathlib import Path

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
        capture_output=True,
        text=True,
    )
    log = tmp_path_factory.mktemp("admin-partners") / "admin.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "admin"],
        cwd=project_root(),
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    await wait_for(lambda: "Lotse admin ready" in log.read_text(), 30, "admin ready", proc, log)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


async def test_the_schaubild_shows_partners_and_a_known_gap(admin, page) -> None:
    from pypdf import PdfReader

    await login(page, admin)
    await page.goto(f"{admin}/admin/schaubild?region=Landkreis%20L%C3%B6rrach")
    row = page.locator("tr[data-activity=mental_health]")
    refugees = await row.locator("td[data-status=asylum_seeker]").inner_text()
    assert "Psychosoziales Zentrum Demo-Südbaden e.V." in refugees
    assert "keine Zuständigkeit" in await row.locator("td[data-status=settled]").inner_text()
    assert await row.locator("td[data-status=settled]").get_attribute("class") == "gap"
    recognition = page.locator("tr[data-activity=recognition] td[data-status=tolerated]")
    assert "IQ Netzwerk Demo-Baden-Württemberg" in await recognition.inner_text()
    await page.screenshot(path=str(SCREENSHOTS / "admin-schaubild.png"))
    await page.select_option("#region-select", "Berlin")  # the page reloads for the region
    await page.wait_for_selector("#schaubild-region:text-is('Berlin')", timeout=30_000)
    assert await page.inner_text("#schaubild-region") == "Berlin"
    async with page.expect_download() as info:
        await page.click("#download-pdf")
    download = await info.value
    data = (await download.path()).read_bytes()
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Schaubild Berlin" in text and "Stand der Daten" in text


async def test_the_gap_radar_shows_where_nothing_fitted(lotse, admin, page) -> None:
    with session_scope(lotse.env["DATABASE_URL"]) as s:
        for place, n in (("Weil am Rhein", 9), ("Schopfheim", 6), ("Lörrach", 2)):
            for _ in range(n):
                insights.record_unmet(
                    s,
                    kind="no_offer",
                    topic="work",
                    subtopic="recognition",
                    place=place,
                    region="Landkreis Lörrach",
                    residence_status="tolerated",
                )
        for _ in range(7):
            insights.record_unmet(
                s,
                kind="language",
                topic="health",
                subtopic="mental_health",
                place="Lörrach",
                region="Landkreis Lörrach",
                language="ru",
                service_ids=["loe-psz"],
            )
    await login(page, admin)
    await page.goto(f"{admin}/admin/gaps?region=Landkreis%20L%C3%B6rrach")
    places = await page.inner_text("#radar-places")
    assert "Weil am Rhein" in places and "Schopfheim" in places
    assert "Lörrach" not in places.replace("Landkreis Lörrach", "")  # two: hidden
    assert "Psychosoziales Zentrum" in await page.inner_text("#radar-languages")
    await page.screenshot(path=str(SCREENSHOTS / "admin-gap-radar.png"), full_page=True)


async def test_a_partner_confirms_and_corrects_and_the_bot_answers_with_it(
    lotse, admin, page, new_user
) -> None:
    await login(page, admin)
    await page.goto(f"{admin}/admin/partners?region=Landkreis%20L%C3%B6rrach")
    await page.click("tr[data-organization=stadt-weil-am-rhein] button[value=link]")
    await page.wait_for_load_state()
    link = await page.inner_text("#partner-link")
    partner = await page.context.browser.new_page()  # no admin session: the link alone
    await partner.goto(link)
    await partner.fill("#who-confirm", "Frau Kaya")
    await partner.click("#confirm")
    await partner.wait_for_load_state()
    assert "als aktuell bestätigt" in await partner.inner_text("#done")
    section = partner.locator(f"section:has(h2:text-is('{OFFER}'))")
    await section.locator("input[name=phone]").fill(NEW_PHONE)
    await section.locator("input[name=who]").fill("Frau Kaya")
    await partner.screenshot(path=str(SCREENSHOTS / "partner-link.png"))
    await section.locator("button.correct").click()
    await partner.wait_for_load_state()
    assert "wartet auf die Freigabe" in await partner.inner_text("#done")
    await page.goto(f"{admin}/admin/freshness")
    assert "Frau Kaya" in await page.inner_text("#confirmations")
    await page.goto(f"{admin}/admin/partners")
    assert NEW_PHONE in await page.inner_text("#corrections")
    await page.click("#corrections button[value=approve]")
    await page.wait_for_load_state()
    assert await page.locator("#no-corrections").count() == 1
    user = new_user("de")
    await user.send("Ich suche eine Wohnung in Weil am Rhein")
    seen = await replies_until(user, ends_offer_list)
    card = next(m["text"] for m in seen if OFFER in m["text"])
    assert NEW_PHONE in card


async def test_an_expired_link_is_refused(lotse, admin, page) -> None:
    with session_scope(lotse.env["DATABASE_URL"]) as s:
        token = links.create_link(
            s, "stadt-weil-am-rhein", "Amina Schulz", now=utcnow() - timedelta(days=15)
        )
    answer = await page.goto(f"{admin}/partner/{token}")
    assert answer is not None and answer.status == 410
    assert "abgelaufen" in await page.inner_text("#refused")
