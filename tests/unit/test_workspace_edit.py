"""Editing a case in the facilitators' workspace (issue 18): the assessment, goals and steps, a
review that records what changed and why as a new version, and a handover to a named colleague
(the client told through the outbox). Bad input is explained, the form comes back as it was
sent, and nothing is saved; every change is in the audit log by field name, never by value."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from starlette.testclient import TestClient

from lotse.cases import assessment, plan
from lotse.cases.models import AssessmentField, Case, PlanGoal, PlanStep, PlanVersion
from lotse.db import session_scope
from lotse.requests.models import OutboxMessage
from tests.unit.test_cases import ANNA, BORIS, CLIENT, NORA, person, texts_to
from tests.unit.test_workspace import audit_rows, case_ref, client, sign_in, url

__all__ = ["case_ref", "client", "url"]  # fixtures


def the_case(url: str, reference: str) -> Case:
    with session_scope(url) as s:
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        s.expunge(case)
        return case


def stored_fields(url: str, reference: str) -> dict[str, str]:
    with session_scope(url) as s:
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        return assessment.fields_of(s, case)


def test_every_assessment_field_is_edited_checked_and_audited(
    client: TestClient, url: str, case_ref: str
) -> None:
    sign_in(client, url, ANNA)
    form = {
        "languages": "Arabisch (Muttersprache), Englisch B1",
        "german_level": "unknown",
        "school": "Abitur",
        "vocational": "Elektriker",
        "academic": "",
        "qualification_country": "Syrien",
        "work_experience": "6 Jahre Elektroinstallation",
        "children": "4,9",
        "interests": "Fußball",
        **{f"need_{a}": "" for a in ("language", "work", "school", "health")},
        "need_housing": "Wohnung für vier Personen",
        "need_authorities": "Termin Ausländerbehörde",
        "need_participation": "Sportverein für die Kinder",
    }
    saved = client.post(f"/workspace/case/{case_ref}/assessment", data=form)
    assert saved.status_code == 200 and "Wohnung für vier Personen" in saved.text
    fields = stored_fields(url, case_ref)
    assert fields["german_level"] == "unknown" and "weiß nicht" in saved.text
    assert fields["children"] == "4, 9" and fields["qualification_country"] == "Syrien"
    assert "academic" not in fields and "need_work" not in fields
    updates = [r for r in audit_rows(url, "update") if r.table == "assessment_field"]
    assert len(updates) == 1 and "children" in updates[0].changes
    assert "Syrien" not in str(updates[0].changes)  # names of fields, never values

    # a wrong age and a wrong level: explained, the form as sent, nothing saved
    bad = dict(form, children="vier, 9", german_level="B7", school="Mittlere Reife")
    refused = client.post(f"/workspace/case/{case_ref}/assessment", data=bad)
    assert refused.status_code == 400
    assert "Alter der Kinder: bitte nur Zahlen von 0 bis 27" in refused.text
    assert "Deutschniveau: A1, A2, B1, B2, C1, C2" in refused.text
    assert 'value="vier, 9"' in refused.text and 'value="Mittlere Reife"' in refused.text
    assert stored_fields(url, case_ref) == fields

    # an emptied field is deleted; an unchanged client's wording is not checked
    with session_scope(url) as s:
        case = s.scalar(select(Case).where(Case.reference == case_ref))
        assessment.set_field(s, case, "children", "zwei Töchter, 4 und 9", "client")
    again = dict(form, children="zwei Töchter, 4 und 9", interests="")
    assert client.post(f"/workspace/case/{case_ref}/assessment", data=again).status_code == 200
    fields = stored_fields(url, case_ref)
    assert "interests" not in fields and fields["children"] == "zwei Töchter, 4 und 9"


def test_ages_are_checked_and_normalised() -> None:
    assert assessment.check_ages(" 4,9 ; 0") == "4, 9, 0"
    assert assessment.check_ages("٤، ٩".replace("،", ",")) == "4, 9"  # Arabic-Indic digits
    for wrong in ("vier", "4, 30", "-1", ""):
        try:
            assessment.check_ages(wrong)
        except ValueError:
            continue
        raise AssertionError(f"{wrong!r} was accepted")


def test_goals_are_added_edited_and_dropped(client: TestClient, url: str, case_ref: str) -> None:
    sign_in(client, url, ANNA)
    base = f"/workspace/case/{case_ref}"
    added = client.post(f"{base}/goal", data={"area": "work", "text": "Anerkennung beantragen"})
    assert added.status_code == 200 and "Anerkennung beantragen" in added.text
    with session_scope(url) as s:
        goal_id = s.scalar(select(PlanGoal.id).where(PlanGoal.text == "Anerkennung beantragen"))
    empty = client.post(f"{base}/goal", data={"area": "work", "text": "  "})
    assert empty.status_code == 400 and "Das Ziel ist leer" in empty.text
    no_area = client.post(f"{base}/goal", data={"area": "sport", "text": "Schwimmen lernen"})
    assert no_area.status_code == 400 and 'value="Schwimmen lernen"' in no_area.text
    edited = client.post(
        f"{base}/goal/{goal_id}", data={"area": "work", "text": "Anerkennung als Elektriker"}
    )
    assert edited.status_code == 200 and "Anerkennung als Elektriker" in edited.text
    dropped = client.post(f"{base}/goal/{goal_id}", data={"drop": "1"})
    assert dropped.status_code == 200 and "Anerkennung als Elektriker" not in dropped.text
    assert client.post(f"{base}/goal/999999", data={"drop": "1"}).status_code == 400
    with session_scope(url) as s:
        assert s.get(PlanGoal, goal_id) is None
    tables = [(r.action, r.table) for r in audit_rows(url, "create") + audit_rows(url, "delete")]
    assert ("create", "plan_goal") in tables and ("delete", "plan_goal") in tables


def test_steps_with_an_offer_or_free_text_are_added_edited_and_dropped(
    client: TestClient, url: str, case_ref: str
) -> None:
    sign_in(client, url, ANNA)
    base = f"/workspace/case/{case_ref}"
    due = (date.today() + timedelta(days=10)).isoformat()
    offer = {
        "area": "language",
        "offer_id": "loe-iq",
        "text": "",
        "who": "client",
        "due_on": due,
        "status": "planned",
        "comment": "anmelden",
    }
    page = client.get(base)
    assert '<option value="loe-iq">' in page.text  # picked from the catalogue
    assert client.post(f"{base}/step", data=offer).status_code == 200
    free = dict(offer, offer_id="", text="Lebenslauf schreiben", who="facilitator")
    assert client.post(f"{base}/step", data=free).status_code == 200

    wrong = dict(offer, offer_id="gibt-es-nicht", text="mein Text bleibt")
    refused = client.post(f"{base}/step", data=wrong)
    assert refused.status_code == 400 and "gibt es im Katalog nicht" in refused.text
    assert 'value="mein Text bleibt"' in refused.text
    neither = client.post(f"{base}/step", data=dict(offer, offer_id="", text=""))
    assert neither.status_code == 400 and "braucht ein Angebot" in neither.text
    bad_date = client.post(f"{base}/step", data=dict(free, due_on="31.02.2027"))
    assert bad_date.status_code == 400 and "kein gültiges Datum" in bad_date.text
    bad_who = client.post(f"{base}/step", data=dict(free, who="niemand"))
    assert bad_who.status_code == 400

    with session_scope(url) as s:
        steps = {st.text or st.offer_id: st for st in s.scalars(select(PlanStep))}
        assert steps["loe-iq"].comment == "anmelden"
        assert steps["Lebenslauf schreiben"].who == "facilitator"
        assert len(steps) == 4  # two from the fixture, two added
        step_id = steps["Lebenslauf schreiben"].id
        s.get(PlanStep, step_id).due_reminded_on = date.today()  # type: ignore[union-attr]

    later = (date.today() + timedelta(days=20)).isoformat()
    changed = dict(free, due_on=later, status="in_progress", comment="mit Vorlage")
    assert client.post(f"{base}/step/{step_id}/edit", data=changed).status_code == 200
    with session_scope(url) as s:
        step = s.get(PlanStep, step_id)
        assert step is not None and step.status == "in_progress" and step.comment == "mit Vorlage"
        assert step.due_on == date.fromisoformat(later) and step.due_reminded_on is None
    too_long = dict(changed, comment="x" * 301)
    kept = client.post(f"{base}/step/{step_id}/edit", data=too_long)
    assert kept.status_code == 400 and "höchstens 300" in kept.text
    with session_scope(url) as s:
        assert s.get(PlanStep, step_id).comment == "mit Vorlage"  # type: ignore[union-attr]
    assert client.post(f"{base}/step/{step_id}/edit", data={"drop": "1"}).status_code == 200
    with session_scope(url) as s:
        assert s.get(PlanStep, step_id) is None
    assert any(r.table == "plan_step" for r in audit_rows(url, "delete"))


def test_a_review_records_what_changed_and_why_as_a_new_version(
    client: TestClient, url: str, case_ref: str
) -> None:
    sign_in(client, url, ANNA)
    base = f"/workspace/case/{case_ref}"
    next_talk = (date.today() + timedelta(days=30)).isoformat()
    first = client.post(
        f"{base}/review", data={"reason": "Erstes Gespräch", "next_review_on": next_talk}
    )
    assert first.status_code == 200 and "Version 1" in first.text
    assert "Schritt neu: Arbeit und Anerkennung: Zeugnisse übersetzen lassen" in first.text
    with session_scope(url) as s:
        step = s.scalar(select(PlanStep).where(PlanStep.area == "work"))
        step_id = step.id
    client.post(f"{base}/step/{step_id}", data={"status": "done"})
    client.post(f"{base}/goal", data={"area": "language", "text": "B1 erreichen"})
    empty = client.post(f"{base}/review", data={"reason": " ", "next_review_on": next_talk})
    assert empty.status_code == 400 and "was sich geändert hat" in empty.text
    past = (date.today() - timedelta(days=1)).isoformat()
    late = client.post(f"{base}/review", data={"reason": "Zweites", "next_review_on": past})
    assert late.status_code == 400 and "nach heute" in late.text and ">Zweites<" in late.text
    second = client.post(
        f"{base}/review", data={"reason": "Zeugnisse übersetzt", "next_review_on": next_talk}
    )
    assert second.status_code == 200 and "Version 2" in second.text
    assert "Stand: geplant → erledigt (Arbeit und Anerkennung: Zeugnisse übersetzen lassen)" in (
        second.text
    )
    assert "Ziel neu: Sprache: B1 erreichen" in second.text
    with session_scope(url) as s:
        versions = s.scalars(select(PlanVersion).order_by(PlanVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert versions[1].reason == "Zeugnisse übersetzt"
        assert {c["change"] for c in versions[1].snapshot["changes"]} == {
            "step_status",
            "goal_added",
        }
    assert any(r.table == "plan_version" for r in audit_rows(url, "create"))


def test_a_handover_to_a_named_colleague_tells_the_client_and_the_colleague(
    client: TestClient, url: str, case_ref: str
) -> None:
    sign_in(client, url, ANNA)
    base = f"/workspace/case/{case_ref}"
    with session_scope(url) as s:
        boris, nora = person(s, BORIS).id, person(s, NORA).id
    page = client.get(base)
    assert f'<option value="{boris}">Boris</option>' in page.text
    assert f'<option value="{nora}">' not in page.text  # Berlin: not a colleague of this case
    no_note = client.post(f"{base}/handover", data={"to": str(boris), "note": ""})
    assert no_note.status_code == 400 and "Übergabenotiz" in no_note.text
    foreign = client.post(f"{base}/handover", data={"to": str(nora), "note": "bitte übernehmen"})
    assert foreign.status_code == 400 and "der Region wählen" in foreign.text
    assert the_case(url, case_ref).facilitator_id != boris
    before = len(texts_to(url, CLIENT))
    done = client.post(
        f"{base}/handover", data={"to": str(boris), "note": "Termin Ausländerbehörde am 3."}
    )
    assert done.status_code == 200 and '<span id="responsible">Boris</span>' in done.text
    assert the_case(url, case_ref).facilitator_id == boris
    told = texts_to(url, CLIENT)[before:]
    assert len(told) == 1 and "Boris" in told[0].text and "Anna" in told[0].text
    assert "Termin" not in told[0].text  # the note is for the colleague only
    assert "Termin Ausländerbehörde am 3." in texts_to(url, BORIS)[-1].text
    assert any(r.table == "case_file" for r in audit_rows(url, "update"))


def test_another_regions_facilitator_cannot_change_a_case_by_url(
    client: TestClient, url: str, case_ref: str
) -> None:
    sign_in(client, url, NORA)
    base = f"/workspace/case/{case_ref}"
    with session_scope(url) as s:
        step_id = s.scalar(select(PlanStep.id))
        goal_id = s.scalar(select(PlanGoal.id))
        count = len(s.scalars(select(OutboxMessage)).all())
    for path, data in (
        ("assessment", {"german_level": "C2"}),
        ("goal", {"area": "work", "text": "x"}),
        (f"goal/{goal_id}", {"drop": "1"}),
        ("step", {"area": "work", "text": "x", "who": "client"}),
        (f"step/{step_id}/edit", {"drop": "1"}),
        ("review", {"reason": "x"}),
        ("handover", {"to": "1", "note": "x"}),
    ):
        assert client.post(f"{base}/{path}", data=data).status_code == 404, path
    with session_scope(url) as s:
        assert s.get(PlanStep, step_id) is not None and s.get(PlanGoal, goal_id) is not None
        assert (
            s.scalar(select(AssessmentField.value).where(AssessmentField.field == "german_level"))
            == "A2"
        )
        assert s.scalar(select(PlanVersion.id)) is None
        assert len(s.scalars(select(OutboxMessage)).all()) == count


def test_changes_since_the_last_version() -> None:
    before = {
        "goals": [{"id": 1, "area": "work", "text": "Arbeit finden"}],
        "steps": [
            {"id": 5, "area": "work", "text": "CV", "status": "planned", "due_on": None},
            {"id": 6, "area": "language", "text": "Kurs", "status": "planned", "due_on": None},
        ],
    }
    now = {
        "goals": [{"id": 1, "area": "work", "text": "Arbeit als Elektriker finden"}],
        "steps": [
            {"id": 5, "area": "work", "text": "CV", "status": "done", "due_on": "2027-01-05"},
            {"id": 7, "area": "housing", "text": "WBS", "status": "planned", "due_on": None},
        ],
    }
    from lotse.cases.plan import changes_since

    kinds = [(c["change"], c.get("from"), c.get("to")) for c in changes_since(before, now)]
    assert kinds == [
        ("goal_changed", "Arbeit finden", "Arbeit als Elektriker finden"),
        ("step_added", None, None),
        ("step_removed", None, None),
        ("step_status", "planned", "done"),
        ("step_due_on", None, "2027-01-05"),
    ]
    assert [c["change"] for c in changes_since(None, now)] == [
        "goal_added",
        "step_added",
        "step_added",
    ]
    assert plan.MAX_COMMENT == 300
