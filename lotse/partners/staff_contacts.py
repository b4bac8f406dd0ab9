"""Partner contacts for facilitators: the named persons (lotse/catalogue/contacts.py) of the
offers that matter for a callback request or a case, shown in the web workspace and, privately,
to the facilitator who took a request in Telegram — never to a client, never in a desk group.

A request's offers are the ones Lotse answers its topic with in its place (best first, at most
MAX_OFFERS; the area's general counselling when the topic has none there). A case's are its
plan's offers, then those of its requests. Every showing is written to the audit log: who, for
which request or case, which contact rows — never a name or number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.cases import access
from lotse.cases.models import Case, CaseRequest, PlanStep
from lotse.catalogue.contacts import PartnerContact
from lotse.catalogue.hsds import Service
from lotse.catalogue.offers import OfferQuery, find_offers, general_counselling
from lotse.models import CATALOGUE_TOPICS
from lotse.requests.desk import txt
from lotse.requests.handoff import owns
from lotse.requests.models import CallbackRequest, Facilitator
from lotse.requests.outbox import enqueue
from lotse.text import split_text

MAX_OFFERS = 5
"""A request's offers with contacts: the first answers, as the client saw them."""


@dataclass(frozen=True)
class ContactCard:
    """One person as a facilitator sees them; `offer` empty: for the whole organisation."""

    id: int
    organization: str
    offer: str
    name: str
    function: str
    phone: str
    email: str
    substitute: str


def offers_for_request(session: Session, request: CallbackRequest) -> list[Service]:
    """The offers Lotse answers the request's topic with in its place, best first."""
    if not request.place:  # anonymised
        return []
    topic = request.topic if request.topic in CATALOGUE_TOPICS else "general"
    query = OfferQuery(topic=topic, place=request.place, language=request.language)
    found = find_offers(session, query).offers
    if not found and topic != "general":
        found = general_counselling(session, query)
    return [offer.service for offer in found[:MAX_OFFERS]]


def offers_for_case(session: Session, case: Case) -> list[Service]:
    """The plan's offers (in the plan's order), then the offers of the case's requests."""
    step_offers = session.scalars(
        select(PlanStep.offer_id)
        .where(PlanStep.case_id == case.id, PlanStep.offer_id.is_not(None))
        .order_by(PlanStep.id)
    ).all()
    services = [s for s in (session.get(Service, sid) for sid in step_offers if sid) if s]
    requests = session.scalars(
        select(CallbackRequest)
        .join(CaseRequest, CaseRequest.request_id == CallbackRequest.id)
        .where(CaseRequest.case_id == case.id)
        .order_by(CallbackRequest.id)
    ).all()
    for request in requests:
        services.extend(offers_for_request(session, request))
    unique: dict[str, Service] = {}
    for service in services:
        unique.setdefault(service.id, service)
    return list(unique.values())


def contact_cards(session: Session, services: list[Service]) -> list[ContactCard]:
    """The persons of these offers and of their organisations, in the offers' order: each
    offer's own contacts, then its organisation's (once per organisation)."""
    if not services:
        return []
    service_ids = [s.id for s in services]
    organization_ids = list(dict.fromkeys(s.organization_id for s in services))
    people = session.scalars(
        select(PartnerContact)
        .where(
            PartnerContact.service_id.in_(service_ids)
            | (
                PartnerContact.service_id.is_(None)
                & PartnerContact.organization_id.in_(organization_ids)
            )
        )
        .order_by(PartnerContact.name, PartnerContact.id)
    ).all()
    cards: list[ContactCard] = []
    organizations_done: set[str] = set()
    for service in services:
        own = [p for p in people if p.service_id == service.id]
        general = []
        if service.organization_id not in organizations_done:
            organizations_done.add(service.organization_id)
            general = [
                p
                for p in people
                if p.service_id is None and p.organization_id == service.organization_id
            ]
        organization = service.organization.name if service.organization else ""
        for person in own + general:
            cards.append(
                ContactCard(
                    id=person.id,
                    organization=organization,
                    offer=service.name if person.service_id else "",
                    name=person.name,
                    function=person.function,
                    phone=person.phone,
                    email=person.email,
                    substitute=person.substitute,
                )
            )
    return cards


def request_contacts(session: Session, request: CallbackRequest) -> list[ContactCard]:
    return contact_cards(session, offers_for_request(session, request))


def case_contacts(session: Session, case: Case) -> list[ContactCard]:
    return contact_cards(session, offers_for_case(session, case))


def record_view(
    session: Session, person: Facilitator, subject: str, cards: list[ContactCard]
) -> None:
    """Audit that `person` saw these contacts for `subject` ("request:12", "case:3"): the
    contact rows by id, never their values. Nothing shown, nothing logged."""
    if cards:
        access.audit(
            session,
            person,
            "view",
            "partner_contact",
            subject[:120],
            [f"partner_contact:{card.id}" for card in cards],
        )


def contacts_text(cards: list[ContactCard], language: str, reference: str) -> str:
    """The contacts as one Telegram text in the facilitator's language."""
    if not cards:
        return txt(language, "contacts_none", reference=reference)
    blocks = [txt(language, "contacts_header", reference=reference)]
    for card in cards:
        offer = card.offer or txt(language, "contacts_whole_organisation")
        lines = [f"🏢 {card.organization} – {offer}"]
        lines.append("👤 " + ", ".join(v for v in (card.name, card.function) if v))
        reach = [f"📞 {card.phone}"] if card.phone else []
        reach += [f"✉️ {card.email}"] if card.email else []
        if reach:
            lines.append(" · ".join(reach))
        if card.substitute:
            lines.append(txt(language, "contacts_substitute", name=card.substitute))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def send_to_holder(session: Session, request: CallbackRequest, person: Facilitator) -> bool:
    """The request's contacts to the private chat of the facilitator who holds it (the outbox),
    audited. False, and nothing sent, for anyone else."""
    if not owns(request, person):
        return False
    cards = request_contacts(session, request)
    text = contacts_text(cards, person.ui_language, request.reference)
    for part in split_text(text):
        enqueue(session, person.telegram_user_id, part, request_id=request.id)
    record_view(session, person, f"request:{request.id}", cards)
    return True
