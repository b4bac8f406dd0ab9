from __future__ import annotations

import subprocess
import sys

import yaml

from bot.texts import load_texts
from lotse import LANGUAGES
from lotse.text import split_text
from tests.conftest import project_root


def test_split_text_respects_the_telegram_limit() -> None:
    text = "\n".join(["x" * 100] * 100)
    parts = split_text(text, limit=4096)
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert split_text("a" * 9000, limit=4096)[0] == "a" * 4096
    assert split_text("short") == ["short"]


def test_every_gateway_text_exists_in_all_eight_languages() -> None:
    texts = load_texts()
    assert set(texts.gateway) == set(LANGUAGES)
    keys = set(texts.gateway["de"])
    for lang in LANGUAGES:
        assert set(texts.gateway[lang]) == keys, lang
        assert all(value.strip() for value in texts.gateway[lang].values()), lang
        assert set(texts.topics[lang]) == set(texts.topics["de"]), lang


def test_responses_compile_with_a_variant_per_language(tmp_path) -> None:
    out = tmp_path / "responses.yml"
    subprocess.run(
        [sys.executable, str(project_root() / "nlu" / "responses.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    responses = yaml.safe_load(out.read_text(encoding="utf-8"))["responses"]
    for name, variations in responses.items():
        conditioned = {v["condition"][0]["value"] for v in variations if "condition" in v}
        assert conditioned == set(LANGUAGES), name
        assert sum("condition" not in v for v in variations) == 1, f"{name}: one fallback"


def test_placeholders_are_kept_in_every_translation() -> None:
    import re

    sources = {
        lang: yaml.safe_load(
            (project_root() / "domain" / "responses" / f"{lang}.yml").read_text(encoding="utf-8")
        )
        for lang in LANGUAGES
    }
    for name, variations in sources["en"]["lotse_responses"].items():
        wanted = set(re.findall(r"\{\w+\}", variations[0]["text"]))
        for lang in LANGUAGES:
            text = sources[lang]["lotse_responses"][name][0]["text"]
            assert set(re.findall(r"\{\w+\}", text)) == wanted, (lang, name)


def test_card_parts_exist_with_their_placeholders_in_every_language() -> None:
    import re

    from lotse.i18n import section

    for name in ("lotse_card", "lotse_buttons", "lotse_residence_status", "lotse_age_groups"):
        reference = section("en", name)
        for lang in LANGUAGES:
            table = section(lang, name)
            assert set(table) == set(reference), (lang, name)
            for key, text in table.items():
                wanted = set(re.findall(r"\{\w+\}", str(reference[key])))
                assert set(re.findall(r"\{\w+\}", str(text))) == wanted, (lang, name, key)
    for lang in LANGUAGES:
        assert len(section(lang, "lotse_weekdays")) == 7
        assert len(section(lang, "lotse_weekdays_short")) == 7


class _NoRasa:
    """Stands in for Rasa only where a test never reaches it (the gateway's own paths)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, sender: str, message: str, metadata: dict) -> list[dict]:
        self.sent.append(message)
        return [
            {
                "custom": {
                    "lotse_card": {"name": "Name", "opening": "x"},
                    "buttons": [{"title": "👤", "payload": "/request_callback"}],
                }
            }
        ]


async def test_a_shared_location_becomes_the_place_answer(small_db) -> None:
    from bot.conversation import Gateway
    from bot.replies import Chat

    rasa = _NoRasa()
    gateway = Gateway(rasa)  # type: ignore[arg-type]
    replies = await gateway.on_location(Chat("tg:7", "en"), 47.614, 7.665)
    assert rasa.sent == ['/inform{"location": "L\\u00f6rrach"}']
    assert replies[0].html == "<b>Name</b>\n🕒 x" and replies[0].text == "Name\n🕒 x"
    assert replies[0].buttons and replies[0].buttons[0][0].title == "👤"
    outside = await gateway.on_location(Chat("tg:7", "en"), 53.55, 9.99)
    assert outside[0].text.startswith("Thanks for your location. It is outside")
    assert len(rasa.sent) == 1
