"""Partner links: 14 days without an account; "still valid" assures the offers, corrections wait
for an administrator, go through the audit log, and an expired or unknown link is refused."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from starlette.testclient import TestClient

from lotse.audit import AuditLog
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from lotse.models import utcnow
from lotse.partners import links
from tests.unit.partner_fixtures import admin_client

__all__ = ["admin_client"]
ORG = "stadt-schopfheim"
OFFER = "loe-schopfheim-kita"


def _link(url: str, days_ago: int = 0) -> str:
    with session_scope(url) as s:
        return links.create_link(s, ORG, "Amina", now=utcnow() - timedelta(days=days_ago))


def test_a_partner_confirms_and_corrects_and_an_admin_approves(
    admin_client: TestClient, db: str
) -> None:
    token = _link(db)
    page = admin_client.get(f"/partner/{token}")
    assert page.status_code == 200 and "Kita-Anmeldung der Stadt Schopfheim" in page.text
    done = admin_client.post(f"/partner/{token}", data={"action": "confirm", "who": "Frau Berg"})
    assert "als aktuell bestätigt" in done.text
    with session_scope(db) as s:
        assert s.get(Service, OFFER).assured_date == date.today()
    assert "Frau Berg" in admin_client.get("/admin/freshness").text

    bad = admin_client.post(
        f"/partner/{token}",
        data={"action": "correct", "service": OFFER, "phone": "anrufen!", "who": "Frau Berg"},
    )
    assert bad.status_code == 400 and "phone" in bad.text
    with session_scope(db) as s:
        assert links.pending(s) == []
        before = links.current_values(s.get(Service, OFFER))
    sent = admin_client.post(
        f"/partner/{token}",
        data={
            **before,
            "action": "correct",
            "service": OFFER,
            "phone": "+49 7622 555 0099",
            "who": "Frau Berg",
        },
    )
    assert "wartet auf die Freigabe" in sent.text
    with session_scope(db) as s:
        (waiting,) = links.pending(s)
        assert waiting.changes == {"phone": [before["phone"], "+49 7622 555 0099"]}
        assert s.get(Service, OFFER).phones[0].number != "+49 7622 555 0099"  # not yet
    overview = admin_client.get("/admin/partners")
    assert "+49 7622 555 0099" in overview.text
    admin_client.post("/admin/partners", data={"action": "approve", "correction": waiting.id})
    with session_scope(db) as s:
        assert [p.number for p in s.get(Service, OFFER).phones] == ["+49 7622 555 0099"]
        assert links.pending(s) == []
        actors = set(s.scalars(select(AuditLog.actor).where(AuditLog.row_id.like(f"{OFFER}%"))))
        assert "Amina" in actors and any(a.startswith("Partnerlink") for a in actors)


def test_a_correction_to_another_organisations_offer_is_refused(
    admin_client: TestClient, db: str
) -> None:
    token = _link(db)
    answer = admin_client.post(
        f"/partner/{token}",
        data={"action": "correct", "service": "loe-psz", "email": "x@example.org", "who": "X"},
    )
    assert answer.status_code == 400
    with session_scope(db) as s:
        assert links.pending(s) == []


def test_an_expired_or_unknown_link_is_refused(admin_client: TestClient, db: str) -> None:
    expired = _link(db, days_ago=15)
    for token in (expired, "erfunden", "x" * 500):
        answer = admin_client.get(f"/partner/{token}")
        assert answer.status_code == 410 and "abgelaufen" in answer.text
    post = admin_client.post(f"/partner/{expired}", data={"action": "confirm", "who": "X"})
    assert post.status_code == 410


def test_a_post_from_another_site_is_refused(admin_client: TestClient, db: str) -> None:
    token = _link(db)
    answer = admin_client.post(
        f"/partner/{token}",
        data={"action": "confirm", "who": "X"},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403


def test_the_admin_makes_a_link(admin_client: TestClient) -> None:
    answer = admin_client.post("/admin/partners", data={"action": "link", "organization": ORG})
    assert "/partner/" in answer.text
    token = answer.text.split("/partner/")[1].split("<")[0]
    assert admin_client.get(f"/partner/{token}").status_code == 200
    unknown = admin_client.post("/admin/partners", data={"action": "link", "organization": "x"})
    assert unknown.status_code == 404


def _contact_form(person: dict[str, str], who: str = "Frau Berg", **extra: str) -> dict[str, str]:
    return {
        "action": "contact",
        "who": who,
        **{f"contact_{k}": v for k, v in person.items()},
        **extra,
    }


def test_a_partner_corrects_adds_and_removes_contact_persons_and_an_admin_approves(
    admin_client: TestClient, db: str
) -> None:
    from lotse.catalogue.contacts import PartnerContact

    with session_scope(db) as s:
        sven = PartnerContact(organization_id=ORG, name="Sven Schopf", phone="+49 7622 555 0001")
        olga = PartnerContact(organization_id=ORG, name="Olga Alt", function="Sachbearbeitung")
        other = PartnerContact(organization_id="stadt-weil-am-rhein", name="Wanda Weil")
        s.add_all([sven, olga, other])
        s.flush()
        sven_id, olga_id, other_id = sven.id, olga.id, other.id
    token = _link(db)
    page = admin_client.get(f"/partner/{token}")
    assert "Sven Schopf" in page.text and "Wanda Weil" not in page.text
    changed = {"name": "Sven Schopf", "function": "Leitung", "phone": "+49 7622 555 0002"}
    sent = admin_client.post(f"/partner/{token}", data=_contact_form(changed, contact=str(sven_id)))
    assert "wartet auf die Freigabe" in sent.text
    nina = {"name": "Nina Neu", "email": "nina.neu@schopfheim.example.org"}
    assert "wartet auf" in admin_client.post(f"/partner/{token}", data=_contact_form(nina)).text
    gone = _contact_form({}, contact=str(olga_id), remove="1")
    assert "wartet auf" in admin_client.post(f"/partner/{token}", data=gone).text

    # bad input: a clear answer, the form as sent, nothing waiting
    bad = admin_client.post(
        f"/partner/{token}", data=_contact_form({"name": "Berta Bad", "email": "keine-adresse"})
    )
    assert bad.status_code == 400 and "email" in bad.text and 'value="Berta Bad"' in bad.text
    nameless = admin_client.post(f"/partner/{token}", data=_contact_form({"phone": "+49 7622 1"}))
    assert nameless.status_code == 400 and "name" in nameless.text
    foreign = admin_client.post(
        f"/partner/{token}", data=_contact_form({"name": "X"}, contact=str(other_id))
    )
    assert foreign.status_code == 400
    with session_scope(db) as s:
        waiting = links.pending(s)
        assert len(waiting) == 3 and all(c.is_contact for c in waiting)
        assert s.get(PartnerContact, sven_id).phone == "+49 7622 555 0001"  # not yet
        ids = [c.id for c in waiting]

    overview = admin_client.get("/admin/partners").text
    assert "Kontaktperson: Sven Schopf" in overview and "Kontaktperson: neu" in overview
    for correction in ids:
        admin_client.post("/admin/partners", data={"action": "approve", "correction": correction})
    with session_scope(db) as s:
        assert links.pending(s) == []
        people = {p.name: p for p in s.scalars(select(PartnerContact)).all()}
        assert people["Sven Schopf"].phone == "+49 7622 555 0002"
        assert people["Sven Schopf"].function == "Leitung"
        assert people["Nina Neu"].organization_id == ORG and people["Nina Neu"].service_id is None
        assert "Olga Alt" not in people and "Wanda Weil" in people
        decided = s.scalars(select(links.PartnerCorrection)).all()
        kept = str([c.changes for c in decided if c.is_contact])
        logged = str(
            s.scalars(
                select(AuditLog.changes).where(
                    AuditLog.table.in_(("partner_correction", "partner_contact"))
                )
            ).all()
        )
        for personal in ("Nina", "nina.neu@", "555 0002", "Sven", "Olga"):
            assert personal not in kept and personal not in logged
