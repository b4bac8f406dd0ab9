"""Reports for the funder: counts only, never a case. Cases opened and closed per quarter, plans
with reviews, steps by activity area and status; a count below five is shown as "<5" so no one
client can be recognised."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.cases.models import Case, PlanStep, PlanVersion

SMALLEST_SHOWN = 5


def quarter(moment: datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def shown(count: int) -> str:
    return str(count) if count >= SMALLEST_SHOWN else "<5"


def rows(session: Session) -> list[tuple[str, str, str, str]]:
    """(measure, period or group, detail, count as shown). Plans with reviews: all time, and per
    quarter the cases whose plan was reviewed in it (a case once, however often)."""
    opened: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for case in session.scalars(select(Case).where(Case.status.in_(("open", "closed")))):
        opened[quarter(case.consent_at or case.created_at)] += 1
        if case.closed_at is not None:
            closed[quarter(case.closed_at)] += 1
    versions = session.execute(select(PlanVersion.case_id, PlanVersion.at)).all()
    reviewed = len({case_id for case_id, _ in versions})
    reviewed_in = {(quarter(at), case_id) for case_id, at in versions}
    steps: Counter[tuple[str, str]] = Counter(
        (area, status) for area, status in session.execute(select(PlanStep.area, PlanStep.status))
    )
    out: list[tuple[str, str, str, str]] = []
    out += [("cases_opened", q, "", shown(n)) for q, n in sorted(opened.items())]
    out += [("cases_closed", q, "", shown(n)) for q, n in sorted(closed.items())]
    out.append(("plans_with_reviews", "all", "", shown(reviewed)))
    per_quarter: Counter[str] = Counter(q for q, _ in reviewed_in)
    out += [("plans_with_reviews", q, "", shown(n)) for q, n in sorted(per_quarter.items())]
    out += [("steps", area, status, shown(n)) for (area, status), n in sorted(steps.items())]
    return out


MEASURES = {
    "cases_opened": "Fallakten eröffnet",
    "cases_closed": "Fallakten abgeschlossen",
    "plans_with_reviews": "Pläne mit Fortschreibung",
    "steps": "Schritte",
}
"""German names of the measures, for the admin's page."""


def csv_text(session: Session) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("measure", "period_or_area", "status", "count"))
    writer.writerows(rows(session))
    return buffer.getvalue()
