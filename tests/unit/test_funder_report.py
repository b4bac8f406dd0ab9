"""The funder's report in the admin (issue 18): counts only, small counts hidden, as a page and
as a CSV download for administrators; facilitators and strangers get nothing."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from starlette.testclient import TestClient

from lotse import admin_accounts
from lotse.cases import plan, report
from lotse.cases.models import Case
from lotse.db import session_scope
from lotse.models import utcnow
from tests.unit.test_cases import ANNA, open_case
from tests.unit.test_workspace import client, sign_in, url

__all__ = ["client", "url"]  # fixtures


def seed(url: str) -> None:
    """Six cases; one plan with a step, five reviewed plans."""
    for n in range(6):
        open_case(url, conversation_id=f"tg:{100 + n}", client_chat_id=100 + n)
    with session_scope(url) as s:
        all_cases = s.scalars(select(Case).order_by(Case.id)).all()
        plan.add_step(s, all_cases[0], area="work", by="Anna", step_text="Anerkennung beantragen")
        for case in all_cases[:5]:
            plan.review(s, case, "Anna", "Erstes Gespräch", None)
        admin_accounts.add_account(s, "Amina", "ein-langes-Passwort")


def test_administrators_see_and_download_counts_only(client: TestClient, url: str) -> None:
    seed(url)
    signed_out = client.get("/admin/funder-report?export=csv", follow_redirects=False)
    assert signed_out.status_code in (302, 303, 401) and "cases_opened" not in signed_out.text
    client.post("/admin/login", data={"username": "Amina", "password": "ein-langes-Passwort"})
    page = client.get("/admin/funder-report")
    assert page.status_code == 200 and "Förderbericht" in page.text
    assert "Fallakten eröffnet" in page.text and "Arbeit und Anerkennung" in page.text
    download = client.get("/admin/funder-report?export=csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["measure", "period_or_area", "status", "count"]
    quarter = report.quarter(utcnow())
    assert ["cases_opened", quarter, "", "6"] in rows
    assert ["plans_with_reviews", "all", "", "5"] in rows
    assert ["plans_with_reviews", quarter, "", "5"] in rows
    assert ["steps", "work", "planned", "<5"] in rows  # one step: hidden
    for secret in ("beantragen", "Anna", "tg:", "F-", "Erstes Gespräch"):
        assert secret not in download.text and secret not in page.text.split("<tbody>")[1]


def test_a_facilitator_session_does_not_open_the_report(client: TestClient, url: str) -> None:
    seed(url)
    sign_in(client, url, ANNA)
    answer = client.get("/admin/funder-report?export=csv", follow_redirects=False)
    assert answer.status_code in (302, 303, 401) and "cases_opened" not in answer.text
