"""Offer cards: one message per offer, in the client's language, from the parts in domain/.

A card shows the name; what they do (translated where the catalogue has it, else German, marked);
the address with a map link; the phone number (Telegram makes it tap-to-call); opening hours with
"open now" or "next open"; the languages spoken; and who it is for. The action sends the fields
(lotse/protocol.py); the gateway lays them out once, for Telegram and the console (bot/cards.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote_plus

from lotse.catalogue.offers import UNKNOWN, Offer
from lotse.catalogue.schedule import BERLIN, Rule, format_days, rule_from_schedule
from lotse.i18n import language_name, section, text
from lotse.protocol import CARD_KEY
from lotse.text import isolate


def _t(language: str, key: str, **values: object) -> str:
    return text(language, "lotse_card", key).format(**values)


def clock(moment: datetime) -> str:
    local = moment.astimezone(BERLIN)
    return f"{local.hour}:{local.minute:02d}"


def hours_line(rules: list[Rule], language: str) -> str:
    """`Mo–Fr 9:00–12:00, Th 14:00–18:00` with the language's day names."""
    names = section(language, "lotse_weekdays_short")
    grouped: dict[tuple[int, ...], list[str]] = {}
    for rule in rules:
        span = (
            f"{rule.opens.hour}:{rule.opens.minute:02d}–{rule.closes.hour}:{rule.closes.minute:02d}"
        )
        grouped.setdefault(rule.days, []).append(span)
    parts = []
    for days, spans in grouped.items():
        parts.append(f"{format_days(days, names, '–', ', ')} {', '.join(spans)}")
    return "; ".join(parts)


def opening_text(offer: Offer, language: str, now: datetime) -> str:
    opening = offer.opening
    if opening is None:
        return _t(language, "hours_unknown")
    if opening.is_open:
        return _t(language, "open_now", time=clock(opening.ends))
    today = now.astimezone(BERLIN).date()
    starts = opening.starts.astimezone(BERLIN)
    if starts.date() == today:
        return _t(language, "opens_today", time=clock(starts))
    if starts.date() == today + timedelta(days=1):
        return _t(language, "opens_tomorrow", time=clock(starts))
    day = section(language, "lotse_weekdays")[starts.weekday()]
    return _t(language, "next_open", day=day, time=clock(starts))


def eligibility_lines(offer: Offer, language: str, residence_status: str | None) -> list[str]:
    service = offer.service
    lines = []
    if service.statuses and (residence_status in (None, UNKNOWN)):
        labels = section(language, "lotse_residence_status")
        groups = _t(language, "list_separator").join(
            labels.get(s, s) for s in sorted(service.statuses)
        )
        lines.append(_t(language, "only_for", groups=groups))
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        lines.append(_t(language, "ages", min=low, max=high))
    elif low is not None:
        lines.append(_t(language, "age_from", min=low))
    elif high is not None:
        lines.append(_t(language, "age_to", max=high))
    return lines


def feature_lines(offer: Offer, language: str) -> list[str]:
    """One line per feature the person asked for that this offer has ("✓ with childcare")."""
    labels = section(language, "lotse_feature_note") or {}
    return [labels[code] for code in sorted(offer.features) if code in labels]


def map_url(offer: Offer) -> str | None:
    location = offer.service.locations[0].location if offer.service.locations else None
    if location is None:
        return None
    if location.latitude is not None and location.longitude is not None:
        lat, lon = location.latitude, location.longitude
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    query = " ".join(p for p in (location.address_1, location.postal_code, location.city) if p)
    return f"https://www.openstreetmap.org/search?query={quote_plus(query)}" if query else None


def card(
    offer: Offer, language: str, now: datetime, residence_status: str | None = None
) -> dict[str, object]:
    """One offer card as data (lotse/protocol.py, CARD_KEY): every field already in the
    client's language and isolated for right-to-left scripts; the gateway lays it out
    (bot/cards.py), as HTML for Telegram and as plain text for the console."""
    service = offer.service
    translations = {t.language: t for t in service.translations}
    translated = translations.get(language)
    name = (translated.name if translated and translated.name else "") or service.name
    if language == "de":
        description, marker = service.description, ""
    elif translated and translated.description:
        description, marker = translated.description, ""
    else:
        description = service.description
        marker = _t(language, "untranslated") if description else ""

    def iso(value: str) -> str:
        return isolate(value, language) if value else ""

    location = service.locations[0].location if service.locations else None
    address = ""
    if location is not None:
        address = ", ".join(
            p for p in (location.address_1, f"{location.postal_code} {location.city}".strip()) if p
        )
    rules = [rule_from_schedule(r.byday, r.opens_at, r.closes_at) for r in service.schedules]
    spoken = _t(language, "list_separator").join(
        language_name(code, language) for code in service.language_codes
    )
    return {
        "name": iso(name),
        "description": iso(description or ""),
        "description_note": marker,
        "address": iso(address),
        "map_url": map_url(offer) if location is not None else None,
        "map_label": _t(language, "map"),
        "phones": [iso(phone.number) for phone in service.phones],
        "hours": iso(hours_line(rules, language)) if rules else "",
        "opening": opening_text(offer, language, now),
        "languages": iso(spoken),
        "notes": feature_lines(offer, language)
        + eligibility_lines(offer, language, residence_status),
    }


def card_message(
    offer: Offer,
    language: str,
    now: datetime,
    residence_status: str | None,
    buttons: list[dict[str, str]] | None = None,
) -> dict[str, object]:
    """The custom payload the gateway renders (bot/cards.py)."""
    payload: dict[str, object] = {CARD_KEY: card(offer, language, now, residence_status)}
    if buttons:
        payload["buttons"] = buttons
    return payload


def list_buttons(language: str, more: bool) -> list[dict[str, str]]:
    """Under an offer answer: more offers, a person, and "Not what I meant"."""
    buttons = section(language, "lotse_buttons")
    out = [{"title": buttons["more"], "payload": "/more_offers"}] if more else []
    out.append({"title": buttons["callback"], "payload": "/request_callback"})
    out.append({"title": buttons["not_meant"], "payload": "/correct_topic"})
    return out


def understood(topic: str, place: str, language: str) -> str:
    """What Lotse understood, named in the answer: "💼 Work · Mitte"."""
    return f"{section(language, 'lotse_topics')[topic]} · {isolate(place, language)}"
