"""Offer cards: one message per offer, in the client's language, from the parts in domain/.

A card shows the name; what they do (translated where the catalogue has it, else German, marked);
the address with a map link; the phone number (Telegram makes it tap-to-call); opening hours with
"open now" or "next open"; the languages spoken; and who it is for. Telegram gets HTML, the console
the same text without tags.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from urllib.parse import quote_plus

from lotse.catalogue.offers import UNKNOWN, Offer
from lotse.catalogue.schedule import BERLIN, Rule, format_days, rule_from_schedule
from lotse.i18n import language_name, section, text
from lotse.protocol import CARD_KEY
from lotse.text import isolate

_TAG = re.compile(r"<[^>]+>")


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
) -> dict[str, str]:
    """`{"text", "html"}` of one offer card."""
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
        return html.escape(isolate(value, language))

    lines = [f"<b>{iso(name)}</b>"]
    if description:
        lines.append(iso(description) + (f" <i>{html.escape(marker)}</i>" if marker else ""))
    location = service.locations[0].location if service.locations else None
    if location is not None:
        address = ", ".join(
            p for p in (location.address_1, f"{location.postal_code} {location.city}".strip()) if p
        )
        url = map_url(offer)
        shown = iso(address)
        if url:
            shown = f'<a href="{html.escape(url)}">{shown}</a> ({html.escape(_t(language, "map"))})'
        lines.append(f"📍 {shown}")
    for phone in service.phones:
        lines.append(f"📞 {iso(phone.number)}")
    rules = [rule_from_schedule(r.byday, r.opens_at, r.closes_at) for r in service.schedules]
    when = html.escape(opening_text(offer, language, now))
    lines.append(f"🕒 {iso(hours_line(rules, language))} · {when}" if rules else f"🕒 {when}")
    spoken = _t(language, "list_separator").join(
        language_name(code, language) for code in service.language_codes
    )
    if spoken:
        lines.append(f"🗣 {iso(spoken)}")
    for line in eligibility_lines(offer, language, residence_status):
        lines.append(f"ℹ️ {html.escape(line)}")
    markup = "\n".join(lines)
    plain = html.unescape(_TAG.sub("", markup))
    if location is not None and map_url(offer):
        plain = plain.replace(f" ({_t(language, 'map')})", "")
    return {"text": plain, "html": markup}


def card_message(
    offer: Offer,
    language: str,
    now: datetime,
    residence_status: str | None,
    buttons: list[dict[str, str]] | None = None,
) -> dict[str, object]:
    """The custom payload the gateway renders (see bot/conversation.py)."""
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
