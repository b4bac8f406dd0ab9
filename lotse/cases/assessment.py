"""The voluntary assessment: needs and resources, every field optional.

The client sees, corrects or deletes each field with /profile; the facilitator fills in what the
client tells them in the web workspace. A value is plain text except the German level (one of
GERMAN_LEVELS). Who changed a field last is kept beside it; the audit log keeps only that a field
changed, never its value.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lotse.cases.cases import CaseError
from lotse.cases.models import AREAS, AssessmentField, Case
from lotse.models import utcnow

GERMAN_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "unknown")
FIELDS = (
    "languages",
    "german_level",
    "school",
    "vocational",
    "academic",
    "qualification_country",
    "work_experience",
    "children",
    "interests",
    *(f"need_{area}" for area in AREAS),
)
"""In the order shown. `languages`: other languages and levels; `children`: number and ages;
`need_<area>`: what the client needs in that activity area."""
MAX_LENGTH = 500


def check(field: str, value: str) -> str:
    """The value to store, or CaseError saying what is wrong."""
    if field not in FIELDS:
        raise CaseError(f"unknown field: {field}")
    value = " ".join(value.split()) if field == "german_level" else value.strip()
    if not value:
        raise CaseError("empty: delete the field instead")
    if len(value) > MAX_LENGTH:
        raise CaseError(f"at most {MAX_LENGTH} characters")
    if field == "german_level":
        value = value.upper() if value.lower() != "unknown" else "unknown"
        if value not in GERMAN_LEVELS:
            raise CaseError(f"German level: one of {', '.join(GERMAN_LEVELS)}")
    return value


MAX_CHILD_AGE = 27
"""Children counted for family benefits and school: up to 27 (Kindergeld in training)."""


def check_ages(value: str) -> str:
    """Children's ages as the workspace asks for them ("4, 9"; "0" for a baby), normalised to
    "4, 9"; any digits (Arabic-Indic too). CaseError says what is wrong."""
    parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    ages = []
    for part in parts:
        try:
            age = int(part)
        except ValueError:
            raise CaseError(f"not an age: {part[:20]!r}") from None
        if not 0 <= age <= MAX_CHILD_AGE:
            raise CaseError(f"an age between 0 and {MAX_CHILD_AGE}: {part[:20]!r}")
        ages.append(str(age))
    if not ages:
        raise CaseError("empty: delete the field instead")
    return ", ".join(ages)


def fields_of(session: Session, case: Case) -> dict[str, str]:
    rows = session.scalars(select(AssessmentField).where(AssessmentField.case_id == case.id))
    stored = {row.field: row.value for row in rows}
    return {f: stored[f] for f in FIELDS if f in stored}


def set_field(session: Session, case: Case, field: str, value: str, by: str) -> None:
    value = check(field, value)
    row = session.scalar(
        select(AssessmentField).where(
            AssessmentField.case_id == case.id, AssessmentField.field == field
        )
    )
    if row is None:
        row = AssessmentField(case_id=case.id, field=field, value=value)
        session.add(row)
    row.value, row.updated_at, row.updated_by = value, utcnow(), by
    session.flush()


def delete_field(session: Session, case: Case, field: str) -> bool:
    if field not in FIELDS:
        raise CaseError(f"unknown field: {field}")
    result = session.execute(
        delete(AssessmentField).where(
            AssessmentField.case_id == case.id, AssessmentField.field == field
        )
    )
    return bool(getattr(result, "rowcount", 0))
