"""Partner links: keeping the matrix current between workshops. An administrator sends each
organisation a link (valid 14 days, no account) to a page with its offers and contacts; there it
confirms "still valid" (the offers' `assured_date` becomes today) or proposes corrections of an
offer or of a contact person (changed, new or to be removed), which wait for an administrator's
approval. Every change is made under an actor, so it is audited; a contact correction's values
leave the correction once decided (they are staff's personal data, then in `partner_contact` or
discarded).

Only a hash of the link's token is stored (as for admin sessions): a database dump opens no page.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lotse.audit import acting_as
from lotse.catalogue.contacts import CONTACT_COLUMNS, PartnerContact
from lotse.catalogue.hsds import Organization, Phone, Schedule, Service
from lotse.catalogue.records import Invalid, check_email, check_hours, check_phone, check_url
from lotse.catalogue.schedule import format_hours, rule_from_schedule, rules_to_byday
from lotse.db import Base
from lotse.models import utcnow

VALID_FOR = timedelta(days=14)
CORRECTABLE = ("phone", "email", "url", "hours", "description")
"""What a partner may correct on an offer (checked as an import would)."""


class PartnerLink(Base):
    __tablename__ = "partner_link"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    confirmed_by: Mapped[str] = mapped_column(String(120), default="")
    """The name the partner gave when confirming (staff, not a client)."""

    organization: Mapped[Organization] = relationship()


class PartnerCorrection(Base):
    __tablename__ = "partner_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), nullable=True
    )
    """The offer corrected; None: a contact person's correction."""
    contact_id: Mapped[int | None] = mapped_column(nullable=True)
    """The contact person corrected or to be removed; None (without an offer): a new person."""
    changes: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    """{field: [before, proposed]}; a contact's fields are `contact_<column>`, `contact_remove`."""
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(120), default="")
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    service: Mapped[Service | None] = relationship()
    organization: Mapped[Organization] = relationship()

    @property
    def is_contact(self) -> bool:
        return self.service_id is None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    session: Session, organization_id: str, by: str, now: datetime | None = None
) -> str:
    """A new link's token (shown once, to be sent to the partner)."""
    if session.get(Organization, organization_id) is None:
        raise ValueError(f"unknown organisation {organization_id!r}")
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    session.add(
        PartnerLink(
            token_hash=_hash(token),
            organization_id=organization_id,
            created_at=now,
            expires_at=now + VALID_FOR,
            created_by=by,
        )
    )
    session.flush()
    return token


def open_link(session: Session, token: str, now: datetime | None = None) -> PartnerLink | None:
    """The link if it exists and has not expired; None otherwise (never says which)."""
    if not token or len(token) > 100:
        return None
    link = session.get(PartnerLink, _hash(token))
    now = now or utcnow()
    if link is None or _aware(link.expires_at) <= now:
        return None
    return link


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def offers_of(session: Session, organization_id: str) -> list[Service]:
    return list(
        session.scalars(
            select(Service)
            .where(Service.organization_id == organization_id, Service.status == "active")
            .order_by(Service.name)
        )
    )


def confirm(session: Session, link: PartnerLink, who: str, today: date | None = None) -> int:
    """ "Still valid": every active offer of the organisation is assured today."""
    who = who.strip()[:120] or "ohne Namen"
    with acting_as(f"Partnerlink {link.organization_id}: {who}"):
        offers = offers_of(session, link.organization_id)
        for service in offers:
            service.assured_date = today or date.today()
            service.updated_at = utcnow()
        link.confirmed_at = utcnow()
        link.confirmed_by = who
        session.flush()
    return len(offers)


@dataclass(frozen=True)
class Proposal:
    service_id: str
    values: dict[str, str]
    note: str = ""


def current_values(service: Service) -> dict[str, str]:
    rules = [rule_from_schedule(s.byday, s.opens_at, s.closes_at) for s in service.schedules]
    return {
        "phone": " | ".join(p.number for p in service.phones),
        "email": service.email,
        "url": service.url,
        "hours": format_hours(rules),
        "description": service.description,
    }


def _check(field: str, value: str) -> None:
    if field == "description" and len(value) > 2000:
        raise Invalid("longer than 2000 characters")
    checks = {"phone": check_phone, "email": check_email, "url": check_url, "hours": check_hours}
    if field in checks:
        checks[field](value)


def propose(
    session: Session, link: PartnerLink, proposal: Proposal, who: str
) -> PartnerCorrection | None:
    """A correction waiting for approval; None if nothing differs. Raises Invalid (with the
    field's name first) on a value an import would refuse."""
    service = session.get(Service, proposal.service_id)
    if service is None or service.organization_id != link.organization_id:
        raise Invalid("offer: not one of this organisation's offers")
    before = current_values(service)
    changes: dict[str, list[str]] = {}
    for field, value in proposal.values.items():
        if field not in CORRECTABLE:
            continue
        value = value.strip()
        if value == before[field].strip():
            continue
        try:
            _check(field, value)
        except Invalid as exc:
            raise Invalid(f"{field}: {exc}") from None
        changes[field] = [before[field], value]
    if not changes and not proposal.note.strip():
        return None
    correction = PartnerCorrection(
        organization_id=link.organization_id,
        service_id=service.id,
        changes=changes,
        note=proposal.note.strip()[:2000],
        submitted_by=who.strip()[:120] or "ohne Namen",
    )
    with acting_as(f"Partnerlink {link.organization_id}: {correction.submitted_by}"):
        session.add(correction)
        session.flush()
    return correction


CONTACT_LIMITS = {"name": 120, "function": 120, "phone": 60, "email": 200, "substitute": 120}


def propose_contact(
    session: Session,
    link: PartnerLink,
    contact_id: int | None,
    values: dict[str, str],
    who: str,
    remove: bool = False,
) -> PartnerCorrection | None:
    """A contact person's correction waiting for approval: changed values of one of the
    organisation's persons (`contact_id`), a new person (None), or a removal. None if nothing
    differs. Raises Invalid (the field's name first) as the matrix import would."""
    person = session.get(PartnerContact, contact_id) if contact_id is not None else None
    if contact_id is not None and (
        person is None or person.organization_id != link.organization_id
    ):
        raise Invalid("contact: not one of this organisation's contact persons")
    before = {c: str(getattr(person, c) or "") if person else "" for c in CONTACT_COLUMNS}
    changes: dict[str, list[str]] = {}
    if remove:
        if person is None:
            raise Invalid("contact: choose the person to remove")
        changes["contact_remove"] = [person.name, ""]
    else:
        after = {c: (values.get(c) or "").strip()[: CONTACT_LIMITS[c]] for c in CONTACT_COLUMNS}
        if not after["name"]:
            raise Invalid("name: must not be empty")
        try:
            if after["phone"]:
                check_phone(after["phone"])
        except Invalid as exc:
            raise Invalid(f"phone: {exc}") from None
        try:
            check_email(after["email"])
        except Invalid as exc:
            raise Invalid(f"email: {exc}") from None
        changes = {
            f"contact_{c}": [before[c], after[c]] for c in CONTACT_COLUMNS if after[c] != before[c]
        }
    if not changes:
        return None
    correction = PartnerCorrection(
        organization_id=link.organization_id,
        service_id=None,
        contact_id=contact_id,
        changes=changes,
        submitted_by=who.strip()[:120] or "ohne Namen",
    )
    with acting_as(f"Partnerlink {link.organization_id}: {correction.submitted_by}"):
        session.add(correction)
        session.flush()
    return correction


def pending(session: Session) -> list[PartnerCorrection]:
    return list(
        session.scalars(
            select(PartnerCorrection)
            .where(PartnerCorrection.status == "pending")
            .order_by(PartnerCorrection.submitted_at)
        )
    )


def decide(session: Session, correction_id: int, approve: bool, admin: str) -> bool:
    """Approve (the offer changes, audited as the administrator's edit) or reject."""
    correction = session.get(PartnerCorrection, correction_id)
    if correction is None or correction.status != "pending":
        return False
    with acting_as(admin):
        if approve and correction.is_contact:
            approve = _apply_contact(session, correction)
        elif approve:
            _apply(session, correction)
        if correction.is_contact:  # staff's data: now in partner_contact, or discarded
            correction.changes = {field: ["…", "…"] for field in correction.changes}
        correction.status = "approved" if approve else "rejected"
        correction.decided_by = admin
        correction.decided_at = utcnow()
        session.flush()
    return True


def _apply_contact(session: Session, correction: PartnerCorrection) -> bool:
    """Change, add or remove the person; False if the person is gone meanwhile."""
    values = {f.removeprefix("contact_"): v[1] for f, v in correction.changes.items()}
    if correction.contact_id is None:
        session.add(
            PartnerContact(
                organization_id=correction.organization_id,
                **{c: values.get(c, "") for c in CONTACT_COLUMNS},
            )
        )
        return True
    person = session.get(PartnerContact, correction.contact_id)
    if person is None or person.organization_id != correction.organization_id:
        return False
    if "remove" in values:
        session.delete(person)
        return True
    for column in CONTACT_COLUMNS:
        if column in values:
            setattr(person, column, values[column])
    person.updated_at = utcnow()
    return True


def _apply(session: Session, correction: PartnerCorrection) -> None:
    service = correction.service
    assert service is not None  # an offer's correction
    values = {field: change[1] for field, change in correction.changes.items()}
    if "email" in values:
        service.email = values["email"]
    if "url" in values:
        service.url = values["url"]
    if "description" in values:
        service.description = values["description"]
    if "phone" in values:
        service.phones = [
            Phone(id=f"{service.id}/phone/{n}", number=number)
            for n, number in enumerate(check_phone(values["phone"]), start=1)
        ]
    if "hours" in values:
        service.schedules = [
            Schedule(
                id=f"{service.id}/schedule/{n}",
                byday=rules_to_byday(rule),
                opens_at=f"{rule.opens:%H:%M}",
                closes_at=f"{rule.closes:%H:%M}",
            )
            for n, rule in enumerate(check_hours(values["hours"]), start=1)
        ]
    service.assured_date = date.today()
    service.updated_at = utcnow()


def confirmations(session: Session, limit: int = 50) -> list[PartnerLink]:
    """Who confirmed when (the freshness view)."""
    return list(
        session.scalars(
            select(PartnerLink)
            .where(PartnerLink.confirmed_at.is_not(None))
            .order_by(PartnerLink.confirmed_at.desc())
            .limit(limit)
        )
    )
