"""Named contact persons of partner organisations: for facilitators and the workshop's table,
never for clients. Kept in their own table (`partner_contact`), which no card, HSDS export or API
reads, so staff's direct phone numbers and e-mail addresses cannot leak through them.

The matrix may carry them in extra columns (not part of MATRIX_COLUMNS, so the matrix export
leaves them out): `contact_name`, `contact_function`, `contact_phone`, `contact_email`,
`contact_substitute`; several persons of one offer are separated by `|` in each column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lotse.catalogue.hsds import Organization, Service
from lotse.catalogue.matrix import read_rows
from lotse.catalogue.records import CatalogueError, Invalid, check_email, check_phone, slug
from lotse.db import Base
from lotse.models import utcnow

CONTACT_COLUMNS = ("name", "function", "phone", "email", "substitute")


class PartnerContact(Base):
    """A named person at a partner: for the organisation, or for one of its offers."""

    __tablename__ = "partner_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    function: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    substitute: Mapped[str] = mapped_column(String(120), default="")
    """Who stands in (a name, optionally with a number)."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship()
    service: Mapped[Service | None] = relationship()

    def __str__(self) -> str:
        return f"{self.name} ({self.function})" if self.function else self.name


@dataclass(frozen=True)
class ContactRow:
    organization_id: str
    service_id: str
    name: str
    function: str
    phone: str
    email: str
    substitute: str


def read_contacts(path: Path) -> tuple[bool, list[ContactRow]]:
    """Whether a matrix (CSV or XLSX) has contact columns, and the persons in them. All problems
    are reported together, as the matrix's own are."""
    found: list[ContactRow] = []
    problems: list[str] = []
    has_columns = False
    for line, row in read_rows(path):
        has_columns = has_columns or any(key.startswith("contact_") for key in row)
        cells = {
            c: [v.strip() for v in (row.get(f"contact_{c}") or "").split("|")]
            for c in CONTACT_COLUMNS
        }
        for n in range(max(len(values) for values in cells.values())):
            value = {c: (cells[c][n] if n < len(cells[c]) else "") for c in CONTACT_COLUMNS}
            if not any(value.values()):
                continue
            if not value["name"]:
                problems.append(f"{path}:{line}: contact_name: must not be empty")
                continue
            try:
                if value["phone"]:
                    check_phone(value["phone"])
                check_email(value["email"])
            except Invalid as exc:
                column = "contact_email" if "e-mail" in str(exc) else "contact_phone"
                problems.append(f"{path}:{line}: {column}: {exc}")
                continue
            found.append(
                ContactRow(
                    organization_id=slug(row.get("organization") or ""),
                    service_id=(row.get("id") or "").strip(),
                    name=value["name"][:120],
                    function=value["function"][:120],
                    phone=value["phone"][:60],
                    email=value["email"][:200],
                    substitute=value["substitute"][:120],
                )
            )
    if problems:
        raise CatalogueError(problems)
    return has_columns, found


def store_contacts(session: Session, rows: list[ContactRow], service_ids: list[str]) -> int:
    """The file's offers get exactly the contacts the file names (none if it names none, when
    it has contact columns at all); other offers' contacts stay."""
    if service_ids:
        session.execute(delete(PartnerContact).where(PartnerContact.service_id.in_(service_ids)))
    for row in rows:
        session.add(
            PartnerContact(
                organization_id=row.organization_id,
                service_id=row.service_id or None,
                name=row.name,
                function=row.function,
                phone=row.phone,
                email=row.email,
                substitute=row.substitute,
            )
        )
    session.flush()
    return len(rows)


def contacts_of(session: Session, organization_id: str) -> list[PartnerContact]:
    return list(
        session.scalars(
            select(PartnerContact)
            .where(PartnerContact.organization_id == organization_id)
            .order_by(PartnerContact.service_id.is_not(None), PartnerContact.name)
        )
    )


def contacts_for(session: Session, service_ids: list[str]) -> list[PartnerContact]:
    """Contacts of these offers and of their organisations (for a request's page)."""
    if not service_ids:
        return []
    orgs = select(Service.organization_id).where(Service.id.in_(service_ids))
    return list(
        session.scalars(
            select(PartnerContact)
            .where(
                (PartnerContact.service_id.in_(service_ids))
                | (PartnerContact.service_id.is_(None) & PartnerContact.organization_id.in_(orgs))
            )
            .order_by(PartnerContact.organization_id, PartnerContact.name)
        )
    )
