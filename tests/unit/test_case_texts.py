"""Case-work texts in all eight languages (issue 18): a client reads every case text in their
language, and a facilitator, whose interface language can be any of the eight, reads the
reminders, "client needs help", handover notices and the rest of case work in theirs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lotse import LANGUAGES
from lotse.cases import cases, plan, reminders
from lotse.cases.cases import staff_text
from lotse.cases.models import Case
from lotse.db import session_scope
from lotse.i18n import language_file
from lotse.models import utcnow
from lotse.requests import registry
from tests.unit.test_cases import ANNA, BORIS, open_case, person, texts_to, url

__all__ = ["url"]  # the fixture
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@pytest.mark.parametrize("section", ["lotse_case", "lotse_case_desk"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_case_text_is_in_every_language_with_the_same_placeholders(
    section: str, lang: str
) -> None:
    german = language_file("de")[section]
    own = language_file(lang).get(section) or {}
    assert set(own) == set(german), sorted(set(german) ^ set(own))
    for key, text in german.items():
        assert set(PLACEHOLDER.findall(str(own[key]))) == set(PLACEHOLDER.findall(str(text))), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_facilitator_reads_case_work_in_their_interface_language(url: str, lang: str) -> None:
    with session_scope(url) as s:
        registry.save_facilitator(
            s, ANNA, "Anna", ["Landkreis Lörrach"], ["de", "ar"], ui_language=lang
        )
        registry.save_facilitator(
            s, BORIS, "Boris", ["Landkreis Lörrach"], ["de", "ru"], ui_language=lang
        )
    case_id = open_case(url)
    with session_scope(url) as s:
        case = s.get(Case, case_id)
        assert case is not None
        reference = case.reference
        step = plan.add_step(
            s,
            case,
            area="work",
            by="Anna",
            step_text="Lebenslauf",
            due_on=reminders.local_today(utcnow()) - timedelta(days=2),
        )
        plan.client_marks(s, case, step.id, "help")
        reminders.queue_due(s, utcnow())
        cases.handover(s, case, person(s, ANNA), person(s, BORIS), "Termin am 3.")
    to_anna = [m.text for m in texts_to(url, ANNA)]
    assert staff_text(lang, "case_opened", reference=reference) in to_anna
    assert staff_text(lang, "client_needs_help", reference=reference, step="Lebenslauf") in to_anna
    due = (reminders.local_today(utcnow()) - timedelta(days=2)).strftime("%d.%m.%Y")
    overdue = staff_text(lang, "step_overdue", reference=reference, step="Lebenslauf", due=due)
    assert overdue in to_anna
    handed = staff_text(
        lang, "handed_to_you", reference=reference, name="Anna", note="Termin am 3."
    )
    assert [m.text for m in texts_to(url, BORIS)][-1] == handed
    if lang != "de":  # not the German fallback
        assert staff_text(lang, "client_needs_help", reference="R", step="S") != staff_text(
            "de", "client_needs_help", reference="R", step="S"
        )
    with session_scope(url) as s:
        assert (
            s.scalar(select(Case.facilitator_id).where(Case.id == case_id)) == person(s, BORIS).id
        )
