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
    """(measure, period or group, detail, count as shown)."""
    opened: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for case in session.scalars(select(Case).where(Case.status.in_(("open", "closed")))):
        opened[quarter(case.consent_at or case.created_at)] += 1
        if case.closed_at is not None:
            closed[quarter(case.closed_at)] += 1
    reviewed = len(set(session.scalars(select(PlanVersion.case_id))))
    steps: Counter[tuple[str, str]] = Counter(
        (area, status) for area, status in session.execute(select(PlanStep.area, PlanStep.status))
    )
    out: list[tuple[str, str, str, str]] = []
    out += [("cases_opened", q, "", shown(n)) for q, n in sorted(opened.items())]
    out += [("cases_closed", q, "", shown(n)) for q, n in sorted(closed.items())]
    out.append(("plans_with_reviews", "all", "", shown(reviewed)))
    out += [("steps", area, status, shown(n)) for (area, status), n in sorted(steps.items())]
    return out


def csv_text(session: Session) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("measure", "period_or_area", "status", "count"))
    writer.writerows(rows(session))
    return buffer.getvalue()
