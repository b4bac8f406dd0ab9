"""The words of the callback desk, in the reader's language (domain/responses/<lang>.yml).

Facilitators and desks read `lotse_desk`; clients read `lotse_gateway_texts` and
`lotse_callback`. Button payloads starting with `@` are handled by the gateway itself and never
reach Rasa.
"""

from __future__ import annotations

from datetime import date

from lotse.i18n import language_name, section, text
from lotse.protocol import DESK_PREFIX
from lotse.requests.models import OUTCOMES, CallbackRequest
from lotse.requests.outbox import Button


def txt(language: str, key: str, /, section: str = "lotse_desk", **values: object) -> str:
    return text(language, section, key).format(**values)


def day_label(day: date, language: str, short: bool = False) -> str:
    names = section(language, "lotse_weekdays_short" if short else "lotse_weekdays")
    return str(names[day.weekday()])


def part_label(part: str, language: str) -> str:
    return txt(language, "morning" if part == "am" else "afternoon", section="lotse_callback")


def time_phrase(day: date, part: str, language: str) -> str:
    """ "on Tuesday, 24.11., in the morning" in the reader's language."""
    return txt(
        language,
        "when",
        section="lotse_callback",
        day=day_label(day, language),
        date=day.strftime("%d.%m."),
        part=part_label(part, language),
    )


def slot_title(day: date, part: str, language: str) -> str:
    return txt(
        language,
        "slot",
        section="lotse_callback",
        day=day_label(day, language, short=True),
        date=day.strftime("%d.%m."),
        part=part_label(part, language),
    )


def contact_phrase(method: str, language: str) -> str:
    key = "by_phone" if method == "phone" else "by_telegram"
    return txt(language, key, section="lotse_callback")


def topic_label(topic: str, language: str) -> str:
    label = (section(language, "lotse_topics") or {}).get(topic)
    if label:
        return str(label)
    from lotse.catalogue.taxonomy import load_taxonomy  # general counselling has no topic button

    term = load_taxonomy().get(topic)
    return term.names.get(language) or term.names.get("de", topic) if term else topic


def request_values(request: CallbackRequest, language: str) -> dict[str, str]:
    return {
        "reference": request.reference,
        "topic": topic_label(request.topic, language),
        "place": request.place,
        "language": language_name(request.language, language),
        "time": time_phrase(request.preferred_day, request.preferred_part, language),
        "contact": contact_phrase(request.contact_method, language),
    }


def desk_post(request: CallbackRequest, language: str) -> tuple[str, list[list[Button]]]:
    """The desk's view: only what a facilitator needs to decide to take it (no name, no phone)."""
    urgent = txt(language, "urgent") if request.urgent else ""
    body = txt(language, "new_request", urgent=urgent, **request_values(request, language))
    return body, [[Button(txt(language, "take"), f"{DESK_PREFIX}take:{request.id}")]]


def facilitator_controls(request: CallbackRequest, language: str) -> tuple[str, list[list[Button]]]:
    """The private message to whoever took the request: the phone, and buttons to chat, see the
    partners' contact persons (lotse/partners/staff_contacts.py), release or close."""
    phone = txt(language, "phone_line", phone=request.phone) if request.phone else ""
    body = txt(language, "you_took", phone=phone, **request_values(request, language))
    buttons = [
        [Button(txt(language, "chat"), f"{DESK_PREFIX}chat:{request.id}")],
        [Button(txt(language, "contacts"), f"{DESK_PREFIX}contacts:{request.id}")],
        [
            Button(txt(language, "release"), f"{DESK_PREFIX}release:{request.id}"),
            Button(txt(language, "close"), f"{DESK_PREFIX}close:{request.id}"),
        ],
    ]
    return body, buttons


def outcome_buttons(request: CallbackRequest, language: str) -> list[list[Button]]:
    return [
        [Button(txt(language, f"outcome_{o}"), f"{DESK_PREFIX}outcome:{request.id}:{o}")]
        for o in OUTCOMES
    ]


def queue_lines(requests: list[CallbackRequest], language: str) -> list[str]:
    urgent = txt(language, "urgent")
    return [
        txt(
            language, "queue_line", urgent=urgent if r.urgent else "", **request_values(r, language)
        )
        for r in requests
    ]
