"""Health and metrics of every process, scraped over HTTP from the real stack (issue 14, item 15):
a question raises the turn counter and the Rasa latency histogram, a booked callback shows in the
gauges, and no label anywhere holds the person's chat id or words."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import project_root
from tests.e2e.conftest import free_port, offer_list, stop, wait_for
from tests.e2e.test_callback_desk import book
from tests.e2e.test_security import listening_addresses

pytestmark = pytest.mark.e2e
QUESTION = "Ich suche eine Wohnung in Lörrach"

# The admin app as `python -m admin` serves it (who may log in is another item's business: the
# health and metrics routes need no login).
ADMIN = """
import uvicorn
from admin.app import create_app
from lotse.settings import load_settings
settings = load_settings()
print("admin health ready", flush=True)
uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.admin_port, log_level="warning")
"""


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape: (name, sorted labels) → value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def value(scrape: dict, name: str, **labels: str) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


def total(scrape: dict, name: str) -> float:
    return sum(v for (n, _), v in scrape.items() if n == name)


def label_values(scrape: dict) -> set[str]:
    return {v for (_, labels) in scrape for _, v in labels}


@pytest.fixture(scope="module")
async def admin(lotse, tmp_path_factory) -> AsyncIterator[str]:
    port = free_port()
    env = {**lotse.env, "ADMIN_PORT": str(port), "ADMIN_PASSWORD": "Health-Test-2026"}
    log = tmp_path_factory.mktemp("admin-health") / "admin.log"
    proc = subprocess.Popen(
        [sys.executable, "-c", ADMIN],
        cwd=project_root(),
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{base}/health", timeout=2).status_code in (200, 503)
        except httpx.HTTPError:
            return False

    try:
        await wait_for(answers, 60, "the admin to answer", proc, log)
        yield base
    finally:
        stop(proc)


async def test_every_process_reports_health_and_metrics_without_personal_data(
    lotse, new_user, admin
) -> None:
    gateway = f"http://127.0.0.1:{lotse.env['LOTSE_METRICS_PORT']}"
    actions = f"http://127.0.0.1:{lotse.env['ACTION_SERVER_PORT']}"
    async with httpx.AsyncClient(timeout=30) as http:

        async def scrape(base: str) -> tuple[str, dict]:
            response = await http.get(f"{base}/metrics")  # no token: open by design
            assert response.status_code == 200, (base, response.text[:200])
            assert response.headers["content-type"].startswith("text/plain")
            return response.text, samples(response.text)

        _, before = await scrape(gateway)
        client = new_user("de")
        await client.send(QUESTION)
        await offer_list(client)
        _, after_question = await scrape(gateway)

        # the turn is counted by intent and language, and its wait for Rasa is in the histogram
        housing = {"intent": "ask_housing", "language": "de"}
        assert value(after_question, "lotse_turns_total", **housing) >= (
            value(before, "lotse_turns_total", **housing) + 1
        )
        assert value(after_question, "lotse_rasa_turn_seconds_count") >= (
            value(before, "lotse_rasa_turn_seconds_count") + 1
        )
        assert value(after_question, "lotse_rasa_turn_seconds_sum") > 0
        assert value(after_question, "lotse_fallbacks_total", kind="rasa_unavailable") == value(
            before, "lotse_fallbacks_total", kind="rasa_unavailable"
        )
        assert value(after_question, "lotse_database_up") == 1

        # a booked callback is an open, unclaimed request at the next scrape
        caller = new_user("de")
        await book(caller)
        gateway_text, after_booking = await scrape(gateway)
        for gauge in ("lotse_callback_requests_open", "lotse_callback_requests_unclaimed"):
            assert value(after_booking, gauge) == value(after_question, gauge) + 1, gauge
        assert value(after_booking, "lotse_callback_requests_oldest_unclaimed_seconds") >= 0
        assert "lotse_outbox_waiting" in gateway_text

        # health: the gateway sees the database and Rasa; the action server, Rasa and the admin
        health = await http.get(f"{gateway}/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok", "rasa": "ok"}
        assert (await http.get(f"{actions}/health")).json() == {"status": "ok"}
        rasa_root = await http.get(f"{lotse.rasa_url}/")  # Rasa's own, open health answer
        assert rasa_root.status_code == 200 and "Rasa" in rasa_root.text
        admin_health = await http.get(f"{admin}/health")
        assert admin_health.status_code == 200
        assert admin_health.json()["status"] == "ok"

        # the action server counted the offer search by action name
        actions_text, action_scrape = await scrape(actions)
        assert (
            value(
                action_scrape, "lotse_action_calls_total", action="action_find_offers", status="200"
            )
            >= 1
        )
        assert value(action_scrape, "lotse_action_seconds_count", action="action_find_offers") >= 1
        admin_text, admin_scrape = await scrape(admin)

    # no person in any label, and the words typed never in any scrape
    private = {str(client.id), str(caller.id), f"tg:{client.id}", f"tg:{caller.id}"}
    for text, scraped in (
        (gateway_text, after_booking),
        (actions_text, action_scrape),
        (admin_text, admin_scrape),
    ):
        for label in label_values(scraped):
            assert not any(p in label for p in private), label
            assert "Lörrach" not in label and "Wohnung" not in label, label
        assert QUESTION not in text and "Wohnung" not in text
    # the gateway's metrics port listens on loopback only
    assert listening_addresses(int(lotse.env["LOTSE_METRICS_PORT"])) == {"127.0.0.1"}
