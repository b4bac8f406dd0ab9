"""Issue 19's "done when", the parts about finding offers, end to end: a self-employment question
in German gets the start-up counselling first; a language course with childcare is found first
when asked for, and its card says so. The messages are in tests/nlu/e2e_messages.yml (checked
clear-cut with nlu/clear_cut.py against the trained model)."""

from __future__ import annotations

import pytest

from lotse.i18n import section
from tests.e2e.conftest import offer_list

pytestmark = pytest.mark.e2e

START_UP = "Gründungsberatung für Zugewanderte Landkreis Lörrach"
CHILDCARE_COURSE = "Frauen- und Elternintegrationskurs der Volkshochschule Lörrach"


def first_card(seen: list[dict]) -> str:
    """The first offer card's text up to its address (cards follow the header in order)."""
    cards = [m.get("text") or "" for m in seen if "📍" in (m.get("text") or "")]
    assert cards, [m.get("text") for m in seen]
    return cards[0].split("📍")[0]


async def test_a_german_self_employment_question_gets_start_up_counselling_first(
    lotse, new_user
) -> None:
    user = new_user("de")
    await user.send(
        "Ich möchte mich in Lörrach selbstständig machen und suche Beratung zur Existenzgründung"
    )
    seen = await offer_list(user)
    assert START_UP in first_card(seen)


async def test_a_course_with_childcare_is_found_first_when_asked_for(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich brauche einen Deutschkurs mit Kinderbetreuung in Lörrach")
    seen = await offer_list(user)
    card = next(m.get("text") or "" for m in seen if CHILDCARE_COURSE in (m.get("text") or ""))
    assert CHILDCARE_COURSE in first_card(seen)
    assert section("de", "lotse_feature_note")["childcare"] in card
