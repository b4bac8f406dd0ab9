"""The offer catalogue, shaped after Open Referral HSDS 3.0, plus what HSDS lacks and Lotse needs.

HSDS tables kept by name and meaning: organization, service, location (with its address folded in),
service_at_location, phone, schedule, language, service_area, taxonomy_term. Lotse's extensions:
`area` (the nesting of municipality → district → state that HSDS leaves to free text),
`service_eligibility` (residence statuses, DESIGN.md's values), `service_translation` (name and
description per language), and on `service` the target groups, `assured_date` and `source`.
HSDS's own `minimum_age`/`maximum_age` carry the age range. See docs/decisions.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from lotse.db import Base, affected
from lotse.models import utcnow

RESIDENCE_STATUSES: tuple[str, ...] = (
    "asylum_seeker",
    "tolerated",
    "protection_status",
    "temporary_protection",
    "eu_citizen",
    "work_or_study_permit",
    "settled",
)
"""Residence statuses an offer can be restricted to (DESIGN.md); `unknown` is the client's answer
"prefer not to say" and never restricts."""

TARGET_GROUPS: tuple[str, ...] = (
    "women",
    "families",
    "youth",
    "students",
    "workers",
    "lgbtiq",
    "disabled",
)
AREA_KINDS: tuple[str, ...] = ("state", "district", "municipality", "borough")
SERVICE_STATUSES: tuple[str, ...] = ("active", "inactive")
"""HSDS service status; `inactive` is what the admin's "unpublish" sets."""


class Area(Base):
    """A place that offers serve: a municipality or Berlin borough, a district, a state."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    holidays: Mapped[str] = mapped_column(String(16), default="")
    """Public-holiday calendar (`DE-BW`); areas without one use their parent's."""

    parent: Mapped[Area | None] = relationship(remote_side=[id])
    aliases: Mapped[list[AreaAlias]] = relationship(
        back_populates="area", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.name


class AreaAlias(Base):
    """Another way people write a place: other scripts (Лёррах, لوراخ), short forms (Weil a. Rh)."""

    __tablename__ = "area_alias"
    __table_args__ = (UniqueConstraint("area_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(120))

    area: Mapped[Area] = relationship(back_populates="aliases")


class TaxonomyTerm(Base):
    """Topics and subtopics (data/catalogue/taxonomy.yml), HSDS taxonomy "lotse"."""

    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_term.id"), nullable=True)
    taxonomy: Mapped[str] = mapped_column(String(40), default="lotse")


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(200), default="")

    def __str__(self) -> str:
        return self.name


class Service(Base):
    """One offer: who helps with what, for whom. The unit a card shows."""

    __tablename__ = "service"
    # No index on topic: searches start from the areas (service_area) and filter the few offers
    # there; a topic index tempts SQLite into scanning every offer of the topic instead.

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(ForeignKey("taxonomy_term.id"))
    subtopic: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_term.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    url: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    minimum_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    maximum_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    features: Mapped[list[str]] = mapped_column(JSON, default=list)
    """What people filter by (lotse/catalogue/features.py: childcare, evening, youth_career)."""
    assured_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    """When someone last checked that the offer is still true (HSDS `assured_date`)."""
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship()
    translations: Mapped[list[ServiceTranslation]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceTranslation.language"
    )
    eligibility: Mapped[list[ServiceEligibility]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceEligibility.residence_status"
    )
    locations: Mapped[list[ServiceAtLocation]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceAtLocation.id"
    )
    phones: Mapped[list[Phone]] = relationship(cascade="all, delete-orphan", order_by="Phone.id")
    schedules: Mapped[list[Schedule]] = relationship(
        cascade="all, delete-orphan", order_by="Schedule.id"
    )
    languages: Mapped[list[Language]] = relationship(
        cascade="all, delete-orphan", order_by="Language.id"
    )
    areas: Mapped[list[ServiceArea]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceArea.id"
    )

    def __str__(self) -> str:
        return self.name

    @property
    def statuses(self) -> frozenset[str]:
        """Residence statuses it is restricted to; empty means everyone."""
        return frozenset(e.residence_status for e in self.eligibility)

    @property
    def language_codes(self) -> list[str]:
        return [language.code for language in self.languages]


class ServiceTranslation(Base):
    __tablename__ = "service_translation"

    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class ServiceEligibility(Base):
    __tablename__ = "service_eligibility"

    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    residence_status: Mapped[str] = mapped_column(String(32), primary_key=True)


class Location(Base):
    """Where an offer is met; HSDS's address table is folded in (one physical address each)."""

    __tablename__ = "location"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    address_1: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), nullable=True, index=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    address_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The HSDS id of the address folded in, when it came from a package."""

    area: Mapped[Area | None] = relationship()


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id"), index=True)

    location: Mapped[Location] = relationship(lazy="joined")


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200), default="")


class Schedule(Base):
    """A weekly opening rule (HSDS schedule, freq WEEKLY): `byday` MO..SU, local times."""

    __tablename__ = "schedule"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    freq: Mapped[str] = mapped_column(String(16), default="WEEKLY")
    byday: Mapped[str] = mapped_column(String(40))
    opens_at: Mapped[str] = mapped_column(String(5))
    closes_at: Mapped[str] = mapped_column(String(5))
    """May be earlier than `opens_at`: the opening then ends after midnight."""
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Berlin")


class Language(Base):
    __tablename__ = "language"
    __table_args__ = (UniqueConstraint("service_id", "code"),)

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(8))


class ServiceArea(Base):
    """The area an offer is responsible for; a client anywhere inside it may use it."""

    __tablename__ = "service_area"
    __table_args__ = (
        UniqueConstraint("service_id", "area_id"),
        Index("ix_service_area_area", "area_id", "service_id"),
    )

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))

    area: Mapped[Area] = relationship(lazy="joined")


class CatalogueRevision(Base):
    """A counter bumped by every change to the catalogue, so caches (the place index) know when to
    reload: a place or offer edited in the admin is used at once, without a restart."""

    __tablename__ = "catalogue_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


def service_children() -> list[Any]:
    """Loader options that fetch a service's rows in one query per table (cards, exports)."""
    return [
        selectinload(Service.eligibility),
        selectinload(Service.languages),
        selectinload(Service.phones),
        selectinload(Service.schedules),
        selectinload(Service.areas),
        selectinload(Service.locations),
        selectinload(Service.translations),
    ]


CATALOGUE_TABLES = (
    Area,
    AreaAlias,
    TaxonomyTerm,
    Organization,
    Service,
    ServiceTranslation,
    ServiceEligibility,
    Location,
    ServiceAtLocation,
    Phone,
    Schedule,
    Language,
    ServiceArea,
)


_REVISION_KEY = "lotse.catalogue_revision"  # in Session.info
REVISIONED: list[type] = list(CATALOGUE_TABLES)
"""Tables whose changes bump the revision (hsds_kept.py adds its own)."""


def _bump_revision(session: Session, _context: object, _instances: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, tuple(REVISIONED)) for obj in changed):
        bumped = session.execute(
            update(CatalogueRevision)
            .where(CatalogueRevision.id == 1)
            .values(revision=CatalogueRevision.revision + 1)
        )
        if not affected(bumped):
            session.execute(insert(CatalogueRevision).values(id=1, revision=1))
        session.info.pop(_REVISION_KEY, None)


event.listen(Session, "before_flush", _bump_revision)


def _forget_revision(session: Session, _transaction: object) -> None:
    session.info.pop(_REVISION_KEY, None)


event.listen(Session, "after_transaction_end", _forget_revision)


_REVISION_SELECT = select(CatalogueRevision.revision).where(CatalogueRevision.id == 1)
"""Built once: constructing and keying the statement cost more than running it."""


def catalogue_revision(session: Session) -> int:
    """The catalogue's revision, read once per transaction: one answer resolves places and
    searches several times, and a revision that moves meanwhile is picked up by the next one.
    Read on the session's connection (a Core statement: half the CPU of the ORM query), after
    flushing what the session holds, as its own queries would."""
    if _REVISION_KEY not in session.info:
        if session.autoflush:
            session.flush()
        session.info[_REVISION_KEY] = session.connection().scalar(_REVISION_SELECT) or 0
    return int(session.info[_REVISION_KEY])
