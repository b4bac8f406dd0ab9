"""Offer cards laid out from the fields the action server sends (lotse/protocol.py, CARD_KEY):
HTML for Telegram (bold name, the address as a map link) and the same lines as plain text for the
console. One layout for both, here only."""

from __future__ import annotations

import html
from collections.abc import Mapping


def _lines(card: Mapping[str, object], markup: bool) -> list[str]:
    def esc(value: object) -> str:
        text = str(value or "")
        return html.escape(text, quote=False) if markup else text

    name = esc(card.get("name"))
    lines = [f"<b>{name}</b>" if markup else name]
    description, note = esc(card.get("description")), esc(card.get("description_note"))
    if description:
        lines.append(description + ((f" <i>{note}</i>" if markup else f" {note}") if note else ""))
    address, url = esc(card.get("address")), card.get("map_url")
    if address:
        if markup and url:
            link = html.escape(str(url))
            address = f'<a href="{link}">{address}</a> ({esc(card.get("map_label"))})'
        lines.append(f"📍 {address}")
    phones = card.get("phones")
    for phone in phones if isinstance(phones, list) else []:
        lines.append(f"📞 {esc(phone)}")
    hours, opening = esc(card.get("hours")), esc(card.get("opening"))
    lines.append(f"🕒 {hours} · {opening}" if hours else f"🕒 {opening}")
    if languages := esc(card.get("languages")):
        lines.append(f"🗣 {languages}")
    notes = card.get("notes")
    for note_line in notes if isinstance(notes, list) else []:
        lines.append(f"ℹ️ {esc(note_line)}")
    return lines


def card_html(card: Mapping[str, object]) -> str:
    return "\n".join(_lines(card, markup=True))


def card_text(card: Mapping[str, object]) -> str:
    return "\n".join(_lines(card, markup=False))
