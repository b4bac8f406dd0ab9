"""Eight languages end to end: the answer comes in the language the person writes in."""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from lotse.text import isolate
from tests.conftest import project_root
from tests.e2e.conftest import offer_list, parts, replies_until, settle

pytestmark = pytest.mark.e2e


@cache
def responses(lang: str) -> dict:
    path = project_root() / "domain" / "responses" / f"{lang}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def said(lang: str, name: str, **values: str) -> str:
    text = responses(lang)["lotse_responses"][name][0]["text"]
    return text.format(**{k: isolate(v, lang) for k, v in values.items()})


def gateway_text(lang: str, key: str) -> str:
    return responses(lang)["lotse_gateway_texts"][key]


def has(name: str):
    return lambda m: name in (m.get("text") or "")


@pytest.mark.parametrize(
    ("lang", "question", "place", "card"),
    [
        (
            "ar",
            "السلام عليكم، أبحث عن شقة للإيجار في نويكولن",
            "Neukölln",
            "Mieterberatung Neukölln",
        ),
        (
            "uk",
            "Добрий день, шукаю місце в дитсадку (Kita) для сина в Лерраху",
            "Lörrach",
            "Kita-Anmeldung der Stadt Lörrach",
        ),
        (
            "fa",
            "سلام، می‌خواهم در لوراخ کلاس زبان آلمانی ثبت نام کنم",
            "Lörrach",
            "Integrationskurse der Volkshochschule Lörrach",
        ),
        (
            "ru",
            "Здравствуйте, мне нужна помощь с поиском работы в Шпандау",
            "Spandau",
            "Jobcenter Berlin Spandau",
        ),
        (
            "tr",
            "Merhaba, Neukölln de doktor ve saglik sigortasi konusunda yardim lazim",
            "Neukölln",
            "Gesundheitsamt Neukölln",
        ),
        (
            "fr",
            "Bonjour, je dois prolonger mon titre de séjour à Pankow, comment faire ?",
            "Pankow",
            "Landesamt für Einwanderung (LEA) – Ausländerbehörde",
        ),
    ],
)
async def test_a_question_is_answered_in_its_language(
    lotse, new_user, lang, question, place, card
) -> None:
    user = new_user("de")  # the phone is set to German: the message language wins
    await user.send(question)
    seen = await offer_list(user)  # a status question on the way: "prefer not to say"
    header = said(lang, "utter_offers_found", location=place, understood="").lstrip("\n")
    assert any(p.endswith(header) for p in parts(seen)), [m["text"] for m in seen]
    assert any(card in m["text"] for m in seen), [m["text"] for m in seen]


async def test_arabic_speaking_offers_come_first_in_neukoelln(lotse, new_user) -> None:
    user = new_user("ar")
    await user.send("أبحث عن شقة للإيجار في نويكولن، ساعدوني")
    seen = await offer_list(user)
    found = said("ar", "utter_offers_found", location="Neukölln", understood="").lstrip("\n")
    texts = parts(seen)
    header = next(i for i, p in enumerate(texts) if p.endswith(found))
    assert texts[header].startswith("🏠 السكن · \u2068Neukölln\u2069\n")  # what was understood
    first_card = texts[header + 1]
    assert "Mieterberatung Neukölln" in first_card  # Arabic-speaking, though not first by name
    assert "العربية" in first_card
    assert "\u2068" in first_card  # values isolated inside the right-to-left reply


async def test_a_short_message_keeps_the_language(lotse, new_user) -> None:
    """'ok' or 'Jobcenter' never flips the reply language."""
    user = new_user("de")
    await user.send("Добрий день, мені потрібна допомога з житлом у Шопфгаймі")
    await replies_until(user, has("Schopfheim"), timeout=40)
    await settle(user)
    await user.send("ok")
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"] == said("uk", "utter_anything_else")


async def test_gateway_texts_follow_the_detected_language(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Bonjour, je cherche un cours d'allemand à Lörrach s'il vous plaît")
    await replies_until(user, has("Integrationskurse der Volkshochschule Lörrach"), timeout=40)
    await settle(user)
    await user.send_sticker()
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"] == gateway_text("fr", "non_text")


async def test_an_emergency_in_farsi_gets_the_numbers_at_once(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("کمک کنید شوهرم مرا می‌زند و تهدید به کشتن می‌کند")
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"] == said("fa", "utter_emergency")
    assert "110" in reply["text"] and "112" in reply["text"]


async def test_out_of_scope_explains_what_lotse_does(lotse, new_user) -> None:
    user = new_user("en")
    await user.send("who will win the football match tonight?")
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"] == said("en", "utter_out_of_scope")
    assert reply["reply_markup"]["inline_keyboard"]  # with the topics to choose from


async def test_the_parse_result_exposes_language_and_normalisation(lotse) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{lotse.rasa_url}/model/parse",
            params={"token": lotse.env["LOTSE_SERVICE_TOKEN"]},
            json={"text": "мʼясо? Шукаю житло в Лёррах, будь ласка"},
        )
    parsed = response.json()
    assert parsed["language"]["code"] == "uk" and parsed["language"]["reliable"]
    assert parsed["text"] == "мясо? шукаю житло в леррах, будь ласка"  # normalised
    assert parsed["text_original"].startswith("мʼясо?")
    places = [e["value"] for e in parsed["entities"] if e["entity"] == "location"]
    assert "Lörrach" in places or "леррах" in places


async def test_low_confidence_asks_back_with_topics_in_the_users_language(lotse) -> None:
    import httpx

    body = {
        "sender": "e2e-fallback",
        "message": "/nlu_fallback",
        "metadata": {"chosen_language": "tr", "language_code": "de"},
    }
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(f"{lotse.rasa_url}/webhooks/rest/webhook", json=body)
    texts = [m for m in response.json() if m.get("text")]
    assert texts[0]["text"] == said("tr", "utter_ask_rephrase")
    assert len(texts[0]["buttons"]) == 7  # the seven topics, community included
