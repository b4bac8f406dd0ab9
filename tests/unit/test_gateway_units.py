from __future__ import annotations

import subprocess
import sys

import yaml

from bot.conversation import split_text
from bot.texts import load_texts
from lotse import LANGUAGES
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
