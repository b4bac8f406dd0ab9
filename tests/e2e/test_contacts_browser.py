"""The partners' contact persons in the facilitators' workspace, in a real browser (issue 20): a
case's page shows the persons of its plan's offers, its request's page the persons of the offers
that answer the request — and both showings are in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lotse.audit import AuditLog
from lotse.catalogue.contacts import PartnerContact
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from tests.e2e.test_admin_browser import SCREENSHOTS
from tests.e2e.test_workspace_browser import Workspace, login_link, page, workspace

__all__ = ["page", "workspace"]
pytestmark = pytest.mark.e2e
OFFER = "loe-housing-local"  # the case's plan step, and the first answer to its request


async def test_a_facilitator_sees_the_partners_contacts_on_case_and_request(
    workspace: Workspace, page
) -> None:
    with session_scope(workspace.url) as s:
        housing = s.get(Service, OFFER)
        assert housing is not None
        s.add_all(
            [
                PartnerContact(
                    organization_id=housing.organization_id,
                    service_id=OFFER,
                    name="Lena Lotz",
                    function="Sachgebietsleitung Wohnen",
                    phone="+49 7621 555 4100",
                    email="lena.lotz@loerrach.example.org",
                    substitute="Max Maier, +49 7621 555 4101",
                ),
                PartnerContact(
                    organization_id=housing.organization_id,
                    name="Omar Oberle",
                    function="Integrationsbeauftragter",
                    email="integration@loerrach.example.org",
                ),
            ]
        )
    await page.goto(login_link(workspace))
    await page.click("#login-button")
    await page.wait_for_url(f"{workspace.base}/workspace/")
    await page.goto(f"{workspace.base}/workspace/case/{workspace.reference}")
    contacts = await page.locator("#partner-contacts").inner_text()
    assert "Lena Lotz" in contacts and "Max Maier" in contacts and "Omar Oberle" in contacts

    await page.locator("#case-requests a").first.click()
    await page.wait_for_url("**/workspace/request/R-*")
    assert "Wohnen" in await page.locator("#request").inner_text()
    contacts = await page.locator("#partner-contacts").inner_text()
    assert "lena.lotz@loerrach.example.org" in contacts and "ganze Organisation" in contacts
    await page.screenshot(path=str(SCREENSHOTS / "workspace-request.png"), full_page=True)

    await page.click("#nav-requests")
    await page.wait_for_url("**/workspace/requests")
    assert await page.locator("#requests, p").count() >= 1

    with session_scope(workspace.url) as s:
        shown = s.scalars(
            select(AuditLog.row_id).where(
                AuditLog.table == "partner_contact", AuditLog.action == "view"
            )
        ).all()
        assert any(r.startswith("case:") for r in shown)
        assert any(r.startswith("request:") for r in shown)
