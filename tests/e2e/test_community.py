"""The community topic end to end (issue 19): a question about meeting people, volunteers or
clubs gets the community offers of the place (Mehrgenerationenhaus, Sprachcafé, Freundeskreis
Asyl, Integration durch Sport), in German and in Ukrainian.

Needs a model trained with ask_community (data/nlu/<lang>/community.yml); the messages are in
tests/nlu/e2e_messages.yml, checked to be clear-cut by `make nlu-eval`."""

from __future__ import annotations

import pytest

from lotse.i18n import section
from tests.e2e.conftest import offer_list

pytestmark = pytest.mark.e2e

COMMUNITY_OFFERS = (
    "Mehrgenerationenhaus",
    "Sprachcafé",
    "Freundeskreis Asyl",
    "Integration durch Sport",
)


def header_of(seen: list[dict]) -> str:
    first = next(m for m in seen if " · " in (m.get("text") or "").split("\n")[0])
    return first["text"].split("\n")[0]


async def test_volunteers_and_clubs_in_loerrach(lotse, new_user) -> None:
    user = new_user("de")
    await user.send(
        "Gibt es in Lörrach Ehrenamtliche oder einen Verein, wo ich Leute kennenlernen kann?"
    )
    seen = await offer_list(user)
    assert header_of(seen) == f"{section('de', 'lotse_topics')['community']} · Lörrach"
    text = " ".join(m.get("text") or "" for m in seen)
    assert any(name in text for name in COMMUNITY_OFFERS), text


async def test_a_ukrainian_community_question_gets_community_offers(lotse, new_user) -> None:
    user = new_user("uk")
    await user.send(
        "Добрий день, де в Нойкельні можна знайти товариство чи клуб, щоб познайомитися з людьми?"
    )
    seen = await offer_list(user)
    assert header_of(seen) == f"{section('uk', 'lotse_topics')['community']} · Neukölln"
    text = " ".join(m.get("text") or "" for m in seen)
    assert any(name in text for name in COMMUNITY_OFFERS), text
