"""Catalogue search: which offers answer a topic in a place."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.models import TOPICS, Offer


def find_offers(
    session: Session, topic: str, municipality: str, language: str | None = None
) -> Sequence[Offer]:
    """Offers for `topic` in `municipality`; those that speak `language` come first."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    offers = list(
        session.scalars(
            select(Offer)
            .where(Offer.topic == topic, Offer.municipality == municipality)
            .order_by(Offer.name, Offer.id)
        )
    )
    if language:
        offers.sort(key=lambda o: language not in (o.languages or []))
    return offers
