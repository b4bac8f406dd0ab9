"""Offer features people filter by (issue 19, part 3): childcare, evening / alongside work, youth
career help — stored per offer, round-tripped through the matrix and HSDS, ranked first when asked
for, and named on the card."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from actions.cards import card
from actions.offers import asked_features
from lotse import LANGUAGES
from lotse.catalogue.export import write_matrix
from lotse.catalogue.features import FEATURES, match_features
from lotse.catalogue.hsds import Service
from lotse.catalogue.hsds_export import write_package
from lotse.catalogue.hsds_package import parse_package
from lotse.catalogue.matrix import parse_matrix
from lotse.catalogue.offers import OfferQuery, find_offers
from lotse.catalogue.records import CatalogueError
from lotse.i18n import section
from tests.unit.test_actions import tracker

CHILDCARE_COURSE = "loe-loerrach-frauenkurs"
EVENING_COURSE = "loe-loerrach-sprachschule"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "features"),
    [
        ("Ich brauche einen Deutschkurs mit Kinderbetreuung", {"childcare"}),
        ("I need a German course in the evening, after work", {"evening"}),
        ("أحتاج دورة لغة مع رعاية الأطفال", {"childcare"}),
        ("потрібен курс ввечері після роботи", {"evening"}),
        ("нужен курс с присмотром за детьми", {"childcare"}),
        ("akşamları Almanca kursu arıyorum", {"evening"}),
        ("کلاس آلمانی با مراقبت از کودک می‌خواهم", {"childcare"}),
        ("je cherche un cours du soir", {"evening"}),
        ("Wo finde ich einen AVdual-Begleiter oder die Jugendberufshilfe?", {"youth_career"}),
        ("Gibt es einen kostenlosen Deutschkurs online?", {"free_of_charge", "online"}),
        ("Ich suche einen Deutschkurs nur für Frauen", {"women_only"}),
        ("je cherche un cours gratuit en ligne", {"free_of_charge", "online"}),
        ("Є безкоштовний курс для жінок?", {"free_of_charge", "women_only"}),
        ("هل توجد دورة للنساء فقط عبر الإنترنت؟", {"women_only", "online"}),
        ("Ich suche einen Deutschkurs in Lörrach", set()),
    ],
)
def test_features_are_found_by_keyword(text: str, features: set[str]) -> None:
    assert match_features(text) == features


def test_the_demo_has_courses_with_childcare_and_in_the_evening(session: Session) -> None:
    assert session.get(Service, CHILDCARE_COURSE).features == ["childcare"]
    assert session.get(Service, EVENING_COURSE).features == ["evening"]


@pytest.mark.parametrize(("feature", "first"), [("evening", EVENING_COURSE)])
def test_asked_for_features_rank_first(session: Session, feature: str, first: str) -> None:
    plain = find_offers(session, OfferQuery(topic="language_course", place="Lörrach", now=NOW))
    assert plain.offers[0].service.id != first and not plain.offers[0].features
    asked = find_offers(
        session,
        OfferQuery(
            topic="language_course", place="Lörrach", now=NOW, features=frozenset({feature})
        ),
    )
    assert asked.offers[0].service.id == first
    assert asked.offers[0].features == {feature}
    assert {o.service.id for o in asked.offers} == {o.service.id for o in plain.offers}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_card_names_the_asked_for_feature(session: Session, lang: str) -> None:
    query = OfferQuery(
        topic="language_course", place="Lörrach", now=NOW, features=frozenset({"childcare"})
    )
    offer = find_offers(session, query).offers[0]
    notes = card(offer, lang, NOW)["notes"]
    assert isinstance(notes, list)
    assert notes[0] == section(lang, "lotse_feature_note")["childcare"]
    assert set(section(lang, "lotse_feature_note")) == set(FEATURES)
    other = find_offers(session, OfferQuery(topic="language_course", place="Lörrach", now=NOW))
    assert (
        section(lang, "lotse_feature_note")["childcare"]
        not in card(other.offers[0], lang, NOW)["notes"]
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_features_round_trip_through_the_matrix(
    session: Session, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"matrix{suffix}"
    write_matrix(session, target)
    records = {r.id: r for r in parse_matrix(target)}
    assert records[CHILDCARE_COURSE].features == ["childcare"]
    assert records[EVENING_COURSE].features == ["evening"]


def test_an_unknown_feature_in_the_matrix_is_refused(session: Session, tmp_path: Path) -> None:
    target = tmp_path / "matrix.csv"
    write_matrix(session, target)
    with target.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["features"] = "childcare,sauna"
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CatalogueError, match="sauna"):
        parse_matrix(target)


def test_features_round_trip_through_the_hsds_package(session: Session, tmp_path: Path) -> None:
    target = tmp_path / "hsds"
    write_package(session, target)
    terms = (target / "taxonomy_terms.csv").read_text(encoding="utf-8")
    assert "lotse_feature" in terms and "childcare" in terms
    parsed = parse_package(target)
    by_id = {parsed.lotse_id("service", r.id): r for r in parsed.records}
    assert by_id[CHILDCARE_COURSE].features == ["childcare"]
    assert by_id[EVENING_COURSE].features == ["evening"]


def _user(text: str, intent: str = "inform") -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _asked(*events: dict[str, Any]) -> frozenset[str]:
    t = tracker({"topic": "language_course"})
    t.events = list(events)
    return asked_features(t)


def test_a_feature_in_the_topic_question_or_after_it_is_asked_for() -> None:
    assert _asked(_user("Ich brauche einen Deutschkurs mit Kinderbetreuung", "ask_language_course"),
                  _user("Lörrach")) == {"childcare"}  # fmt: skip
    assert _asked(_user("Ich suche einen Deutschkurs", "ask_language_course"),
                  {"event": "bot", "text": "Wo wohnen Sie?"},
                  _user("Lörrach, am liebsten abends nach der Arbeit")) == {"evening"}  # fmt: skip


def test_a_feature_of_an_earlier_question_is_not_carried_into_a_new_one() -> None:
    earlier = _user("Deutschkurs mit Kinderbetreuung", "ask_language_course")
    assert _asked(earlier, _user("Ich suche eine Wohnung in Lörrach", "ask_housing")) == set()
    assert _asked() == frozenset()


def test_only_the_latest_messages_are_read() -> None:
    old = _user("Deutschkurs mit Kinderbetreuung")
    assert _asked(old, *[_user("Lörrach")] * 9) == {"childcare"}
    assert _asked(old, *[_user("Lörrach")] * 10) == frozenset()


def test_a_feature_narrows_the_answer_only_where_offers_differ(session: Session) -> None:
    """Asked-for features reorder, never remove: a feature no offer has changes nothing, one
    some offers have puts those first, and nobody is left without an answer."""
    plain = find_offers(session, OfferQuery(topic="language_course", place="Lörrach", now=NOW))
    order = [o.service.id for o in plain.offers]
    nowhere = find_offers(
        session,
        OfferQuery(
            topic="language_course", place="Lörrach", now=NOW,
            features=frozenset({"youth_career"}),
        ),
    )  # fmt: skip
    assert [o.service.id for o in nowhere.offers] == order
    assert not any(o.features for o in nowhere.offers)
    asked = find_offers(
        session,
        OfferQuery(
            topic="language_course", place="Lörrach", now=NOW, features=frozenset({"childcare"})
        ),
    )
    assert asked.offers[0].service.id == CHILDCARE_COURSE
    assert sorted(o.service.id for o in asked.offers) == sorted(order)
