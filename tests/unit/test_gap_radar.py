"""The gap radar: a search that found nothing fitting is counted by its fields only, shown per
region and quarter with counts below five left out, and as a one-page PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.offers import ActionFindOffers, count_unmet
from lotse import insights
from lotse.catalogue.offers import OfferQuery, find_offers
from lotse.db import session_scope
from lotse.insights import UnmetQuestion
from lotse.partners import gaps
from tests.unit.partner_fixtures import admin_client
from tests.unit.test_actions import run, tracker

__all__ = ["admin_client"]
NOW = datetime(2026, 8, 14, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _empty_radar(database_url: str) -> None:
    with session_scope(database_url) as s:
        s.execute(delete(UnmetQuestion))


def _search(session: Session, **fields: str) -> list[UnmetQuestion]:
    query = OfferQuery(now=NOW, **fields)  # type: ignore[arg-type]
    count_unmet(session, query, find_offers(session, query))
    session.flush()
    return list(session.scalars(select(UnmetQuestion)))


def test_nothing_fitting_is_counted_without_text_or_person(session: Session) -> None:
    # the PSZ is for refugees: a settled person in Lörrach finds no mental-health counselling
    (row,) = _search(
        session,
        topic="health",
        subtopic="mental_health",
        place="Lörrach",
        residence_status="settled",
        age_group="27_plus",
        language="tr",
    )
    assert (row.kind, row.quarter, row.region, row.place) == (
        "no_offer",
        "2026-Q3",
        "Landkreis Lörrach",
        "Lörrach",
    )
    assert (row.topic, row.subtopic, row.residence_status, row.age_group, row.language) == (
        "health",
        "mental_health",
        "settled",
        "27_plus",
        "tr",
    )
    columns = {c.key for c in inspect(UnmetQuestion).mapper.column_attrs}
    assert not columns & {"text", "conversation_key", "at", "day", "conversation_id"}


def test_offers_in_another_language_are_counted_with_the_offers(session: Session) -> None:
    (row,) = _search(
        session,
        topic="health",
        subtopic="mental_health",
        place="Lörrach",
        residence_status="asylum_seeker",
        language="ru",
    )
    assert row.kind == "language" and row.service_ids == ["loe-psz"]


def test_a_fitting_answer_or_an_unknown_place_is_not_counted(session: Session) -> None:
    assert _search(session, topic="housing", place="Lörrach", language="de") == []
    assert _search(session, topic="housing", place="Lörrach", language="ar") == []
    assert _search(session, topic="housing", place="Hamburg", language="ar") == []


async def test_the_action_counts_a_first_page_only(db: str) -> None:
    slots = {
        "topic": "health",
        "subtopic": "mental_health",
        "location": "Lörrach",
        "residence_status": "settled",
        "age_group": "27_plus",
        "language": "de",
    }
    await run(ActionFindOffers(), tracker(slots))
    await run(ActionFindOffers(), tracker({**slots, "offer_page": 0}, intent="more_offers"))
    with session_scope(db) as s:
        assert [r.kind for r in s.scalars(select(UnmetQuestion))] == ["no_offer"]


def _fill(url: str, n: int, **fields: object) -> None:
    with session_scope(url) as s:
        for _ in range(n):
            insights.record_unmet(s, now=NOW, **fields)  # type: ignore[arg-type]


def test_the_radar_hides_counts_below_five(database_url: str) -> None:
    common = {"region": "Landkreis Lörrach", "topic": "work"}
    _fill(
        database_url,
        6,
        kind="no_offer",
        place="Weil am Rhein",
        subtopic="recognition",
        residence_status="tolerated",
        **common,
    )
    _fill(
        database_url,
        2,
        kind="no_offer",
        place="Schopfheim",
        subtopic="recognition",
        residence_status="asylum_seeker",
        **common,
    )
    _fill(
        database_url,
        5,
        kind="language",
        place="Lörrach",
        subtopic="job_placement",
        language="fa",
        service_ids=["loe-jobcenter-loerrach"],
        **common,
    )
    with session_scope(database_url) as s:
        assert gaps.quarters(s) == ["2026-Q3"]
        radar = gaps.radar(s, "Landkreis Lörrach", "2026-Q3")
        assert radar.places == [("Weil am Rhein", "Anerkennung ausländischer Abschlüsse", 6)]
        assert radar.statuses == [("Duldung", "Anerkennung ausländischer Abschlüsse", 6)]
        assert radar.ages == [("nicht gefragt", "Anerkennung ausländischer Abschlüsse", 8)]
        assert radar.languages == [
            ("Jobcenter Landkreis Lörrach – Standort Lörrach", "Persisch (Farsi / Dari)", 5)
        ]
        assert radar.hidden == 2  # Schopfheim and the asylum seekers: two rows of two
        assert gaps.radar(s, "Berlin", "2026-Q3").empty


def test_an_unknown_kind_is_refused(session: Session) -> None:
    with pytest.raises(ValueError):
        insights.record_unmet(session, kind="anything", topic="work", place="x", region="y")


def test_the_admin_shows_the_radar_and_its_pdf(admin_client: TestClient, db: str) -> None:
    from pypdf import PdfReader

    assert "Noch keine Fragen" in admin_client.get("/admin/gaps").text
    _fill(
        db,
        7,
        kind="no_offer",
        region="Landkreis Lörrach",
        place="Weil am Rhein",
        topic="work",
        subtopic="recognition",
        residence_status="tolerated",
        age_group="18_26",
    )
    page = admin_client.get("/admin/gaps")
    assert "Weil am Rhein" in page.text and ">7<" in page.text
    assert "18 bis 26" in page.text.split('id="radar-ages"')[1]
    pdf = admin_client.get(
        "/admin/gaps",
        params={"region": "Landkreis Lörrach", "quarter": "2026-Q3", "format": "pdf"},
    )
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Lückenradar Landkreis Lörrach" in text and "Weil am Rhein" in text
    assert "Altersgruppe" in text and "18 bis 26" in text
    for n in range(12):  # every table over-full: still one page
        _fill(
            db,
            5,
            kind="no_offer",
            region="Landkreis Lörrach",
            place=f"Ort {n}",
            topic="work",
            subtopic=f"bereich_{n}",
            residence_status="tolerated",
            age_group="27_plus",
        )
    full = admin_client.get(
        "/admin/gaps",
        params={"region": "Landkreis Lörrach", "quarter": "2026-Q3", "format": "pdf"},
    )
    assert len(PdfReader(io.BytesIO(full.content)).pages) == 1
    missing = admin_client.get("/admin/gaps", params={"region": "Atlantis"})
    assert missing.status_code == 404
