"""Catalogue search: the offers that answer a topic for this person, in this place.

Service areas nest (Neukölln lies in Berlin; Lörrach in Landkreis Lörrach, in Baden-Württemberg),
so a client is served by offers of their own area and of every area around it. Offers the person is
not eligible for (residence status, age) are never listed; when the person has not said, the search
reports whether the answer would differ, so the dialogue asks only then. Ranking: nearest area
first, then offers that speak the client's language, then the one open soonest; offers with the
features the person asked for (childcare, evening) come before all others.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.catalogue.hsds import RESIDENCE_STATUSES, Service, ServiceArea, catalogue_revision
from lotse.catalogue.places import area_chain, database_key
from lotse.catalogue.schedule import Opening, next_opening, rule_from_schedule
from lotse.facts import AGE_GROUPS
from lotse.models import CATALOGUE_TOPICS, utcnow

UNKNOWN = "unknown"  # "prefer not to say": restricts nothing


@dataclass(frozen=True)
class OfferQuery:
    topic: str
    place: str
    subtopic: str | None = None
    residence_status: str | None = None
    """None: not asked yet; "unknown": the person preferred not to say."""
    age_group: str | None = None
    language: str | None = None
    now: datetime | None = None
    features: frozenset[str] = frozenset()
    """Features the person asked for (childcare, evening): offers with them rank first."""


@dataclass(frozen=True)
class Offer:
    """A service as found for this query: where it is, and when it is next open."""

    service: Service
    distance: int
    """0: offered for the place itself, 1: for the area around it, …"""
    speaks_language: bool
    opening: Opening | None
    features: frozenset[str] = frozenset()
    """The asked-for features this offer has (the card says so)."""


@dataclass
class SearchResult:
    offers: list[Offer] = field(default_factory=list)
    ask_residence_status: bool = False
    ask_age: bool = False
    place_known: bool = True
    subtopic_missing: bool = False
    """No offer here for the subtopic asked about: the topic's offers stand in (the gap radar
    counts it)."""


def _eligible_status(service: Service, status: str | None) -> bool:
    return not status or status == UNKNOWN or not service.eligibility or status in service.statuses


def _age_range(service: Service) -> tuple[int, int]:
    return (service.minimum_age or 0, service.maximum_age or 120)


def _eligible_age(service: Service, age_group: str | None) -> bool:
    if not age_group or age_group not in AGE_GROUPS:
        return True
    low, high = AGE_GROUPS[age_group]
    first, last = _age_range(service)
    return first <= high and low <= last


def _differs_by_status(services: list[Service]) -> bool:
    """Whether some residence status would leave an offer out (then it is worth asking)."""
    return any(
        not all(_eligible_status(s, status) for s in services) for status in RESIDENCE_STATUSES
    )


ADULT_GROUPS = ("18_26", "27_plus")


def _differs_by_age(services: list[Service]) -> bool:
    """Whether an adult's age changes the list (youth services up to 26, adult ones from 27).
    Minors are not asked about for "from 16" or "from 18": cards show the age range instead."""
    return any(not all(_eligible_age(s, group) for s in services) for group in ADULT_GROUPS)


CARD_CHILDREN = (
    selectinload(Service.eligibility),
    selectinload(Service.languages),
    selectinload(Service.schedules),
    selectinload(Service.phones),
    selectinload(Service.translations),
    selectinload(Service.locations),
)
"""What ranking and a card need (not the service areas: the search already knows them)."""


def _candidates(session: Session, topic: str, area_ids: list[int]) -> list[tuple[Service, int]]:
    """The topic's active offers serving any of these areas, each with its nearest area's rank.
    SQLite starts from service_area's (area_id, service_id) index; there is deliberately no
    index on the topic, which would tempt it into scanning every offer of the topic."""
    rows = session.execute(
        select(Service, ServiceArea.area_id)
        .join(ServiceArea, ServiceArea.service_id == Service.id)
        .where(
            ServiceArea.area_id.in_(area_ids),
            Service.topic == topic,
            Service.status == "active",
        )
        .options(*CARD_CHILDREN)
    ).all()
    nearest: dict[str, tuple[Service, int]] = {}
    for service, area_id in rows:
        distance = area_ids.index(area_id)
        if service.id not in nearest or distance < nearest[service.id][1]:
            nearest[service.id] = (service, distance)
    return list(nearest.values())


def _search(
    session: Session, query: OfferQuery, shared: bool
) -> tuple[SearchResult, list[tuple[Service, int]], list[Any]]:
    """The candidates for `query` and the questions they raise; no ranking yet. `shared`: the
    candidates come from the process's cache (`shared_candidates`)."""
    if query.topic not in CATALOGUE_TOPICS:
        raise ValueError(f"unknown topic {query.topic!r}")
    chain = area_chain(session, query.place)
    if not chain:
        return SearchResult(place_known=False), [], []
    area_ids = [a.id for a in chain]
    if shared:
        found = shared_candidates(session, query.topic, area_ids)
    else:
        found = _candidates(session, query.topic, area_ids)
    narrowed = [(s, d) for s, d in found if s.subtopic == query.subtopic]
    if query.subtopic and narrowed:
        found = narrowed  # no offer for the subtopic: the topic's offers still help
    services = [s for s, _ in found]
    result = SearchResult(
        ask_residence_status=query.residence_status is None and _differs_by_status(services),
        ask_age=query.age_group is None and _differs_by_age(services),
        subtopic_missing=bool(query.subtopic) and not narrowed,
    )
    return result, found, chain


MAX_SHARED_SEARCHES = 1024
"""Topic and place chains kept by `shared_candidates` (a few hundred in a large catalogue)."""

_shared: dict[tuple[str, int, str, tuple[int, ...]], list[tuple[Service, int]]] = {}
_shared_lock = threading.Lock()


def shared_candidates(
    session: Session, topic: str, area_ids: list[int]
) -> list[tuple[Service, int]]:
    """`_candidates` with cards' children, loaded once per catalogue revision, topic and areas
    and then shared by every search in this process (the action server answers the same few
    topics and places all day; loading them cost seven queries and building the objects, a
    third of its CPU per turn). The services are detached copies: their columns and
    CARD_CHILDREN can be read, nothing else (no lazy loading, no changes). Like the place index
    (places.py), the catalogue revision says when they are stale: every change to the catalogue
    bumps it, and the revision is read before the offers, so a cached list is never older than
    its revision."""
    key = (database_key(session), catalogue_revision(session), topic, tuple(area_ids))
    found = _shared.get(key)
    if found is not None:
        return found
    with Session(bind=session.connection()) as own:  # its own identity map, same transaction
        found = _candidates(own, topic, area_ids)
    # closing `own` detached them; the caller's session holds none of them
    with _shared_lock:
        stale = [k for k in _shared if k[:2] != key[:2]]  # another revision (or database)
        if len(_shared) - len(stale) >= MAX_SHARED_SEARCHES:
            stale = list(_shared)
        for k in stale:
            _shared.pop(k, None)
        _shared[key] = found
    return found


def questions_to_ask(session: Session, query: OfferQuery) -> SearchResult:
    """Whether residence status or age would change the offers (`offers` stays empty): what the
    dialogue asks before searching, at a fraction of a full search's cost."""
    return _search(session, query, shared=True)[0]


def find_offers(session: Session, query: OfferQuery, shared: bool = False) -> SearchResult:
    """Offers for `query`, best first, with what the dialogue still needs to ask. `shared`:
    the services come from `shared_candidates` (detached: for cards, not for changes)."""
    result, found, chain = _search(session, query, shared)
    if not chain:
        return result
    now = query.now or utcnow()
    calendar = next((a.holidays for a in chain if a.holidays), "DE")  # the state's calendar
    for service, distance in found:
        if not (
            _eligible_status(service, query.residence_status)
            and _eligible_age(service, query.age_group)
        ):
            continue
        rules = [rule_from_schedule(r.byday, r.opens_at, r.closes_at) for r in service.schedules]
        result.offers.append(
            Offer(
                service=service,
                distance=distance,
                speaks_language=bool(query.language) and query.language in service.language_codes,
                opening=next_opening(rules, now, calendar),
                features=query.features & frozenset(service.features or ()),
            )
        )
    result.offers.sort(key=lambda o: _rank(o, now))
    return result


def _rank(offer: Offer, now: datetime) -> tuple[int, int, int, float, str]:
    opening = offer.opening
    wait = 0.0 if opening is None or opening.is_open else (opening.starts - now).total_seconds()
    if opening is None:
        wait = float("inf")
    return (
        -len(offer.features),
        offer.distance,
        0 if offer.speaks_language else 1,
        wait,
        offer.service.name,
    )


def general_counselling(session: Session, query: OfferQuery, shared: bool = False) -> list[Offer]:
    """The area's general counselling (migration counselling, integration management) for this
    person: what Lotse offers when nothing else fits."""
    general = OfferQuery(
        topic="general",
        place=query.place,
        residence_status=query.residence_status,
        age_group=query.age_group,
        language=query.language,
        now=query.now,
    )
    return find_offers(session, general, shared).offers
