"""Self-employment counselling (issue 19, part 3): a work subtopic found by keyword, with
start-up counselling demo offers in Berlin and Landkreis Lörrach."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from lotse.catalogue.offers import OfferQuery, find_offers
from lotse.catalogue.taxonomy import match_subtopic, subtopics

NEUKOELLN_QUESTION = "Ich möchte mich selbständig machen, wo bekomme ich Beratung?"


def test_self_employment_is_a_work_subtopic() -> None:
    assert "self_employment" in subtopics("work")


@pytest.mark.parametrize(
    "text",
    [
        NEUKOELLN_QUESTION,
        "I want to start a business as a freelancer",
        "أريد أن أفتح مشروعي الخاص",
        "хочу відкрити свій бізнес",
        "хочу открыть свой бизнес",
        "kendi işimi kurmak istiyorum",
        "می‌خواهم کسب‌وکار خودم را راه بیندازم",
        "je veux créer une entreprise",
    ],
)
def test_starting_a_business_is_found_in_every_language(text: str) -> None:
    assert match_subtopic(text, "work") == "self_employment"


@pytest.mark.parametrize(
    ("text", "subtopic"),
    [
        ("Ich suche Arbeit beim Jobcenter", "job_placement"),
        ("Mein Diplom anerkennen", "recognition"),
    ],
)
def test_the_other_work_subtopics_stay_apart(text: str, subtopic: str) -> None:
    assert match_subtopic(text, "work") == subtopic


def test_the_neukoelln_question_gets_start_up_counselling_not_job_offers(session: Session) -> None:
    subtopic = match_subtopic(NEUKOELLN_QUESTION, "work")
    result = find_offers(session, OfferQuery(topic="work", place="Neukölln", subtopic=subtopic))
    assert not result.subtopic_missing
    assert result.offers
    assert all(o.service.subtopic == "self_employment" for o in result.offers)
    assert any("Akademikerinnen und Akademiker" in o.service.name for o in result.offers)


@pytest.mark.parametrize("place", ["Lörrach", "Schopfheim", "Neukölln", "Spandau"])
def test_start_up_counselling_exists_in_both_demo_regions(session: Session, place: str) -> None:
    query = OfferQuery(topic="work", place=place, subtopic="self_employment")
    result = find_offers(session, query)
    assert result.offers and not result.subtopic_missing
