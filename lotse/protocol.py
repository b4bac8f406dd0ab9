"""What crosses between Lotse's processes, in one place: the custom payloads the action server
sends the gateway, the prefixes of button payloads (what a pressed button can mean), and how a
Telegram chat becomes a conversation id.

Button payloads never travel to Telegram: a button carries a random token, and the payload stays
in the database (lotse/buttons.py). Payloads starting with `/` go to Rasa as intents; the ones
below are handled by the gateway itself and never reach Rasa.
"""

from __future__ import annotations

# -- custom payloads from the action server (Rasa's `custom` messages) ----------------------
GATEWAY_PAYLOAD_KEY = "lotse"
"""Facts for the gateway, not text: `{"language": …, "intent": …, SEND_OUTBOX: true}`."""
SEND_OUTBOX = "send_outbox"
"""A fact for the gateway: this turn queued messages (a booking's desk post), send them now."""
CARD_KEY = "lotse_card"
"""An offer card as data, every value already in the client's language (actions/cards.py); the
gateway lays it out (bot/cards.py). Fields: `name`, `description`, `description_note` (e.g.
"(only in German)"), `address`, `map_url` (or null), `map_label`, `phones` (list), `hours`,
`opening` ("open now until 17:00"), `languages`, `notes` (list: who it is for). Beside it in the
same payload: optional `buttons` (`[{"title", "payload"}]`)."""
PRIVACY_KEY = "lotse_privacy"
"""Asks the gateway to offer deletion (it holds those texts and does it)."""
REQUEST_CONTACT_KEY = "lotse_request_contact"
"""Asks for the client's number with Telegram's share-contact button."""

# -- button payloads the gateway handles itself ----------------------------------------------
DESK_PREFIX = "@desk:"
"""A desk button: `@desk:<action>:<request id>[:<extra>]` (take, chat, contacts, release, close,
outcome)."""
CLIENT_PREFIX = "@client:"
"""A client's button about their own request: `@client:cancel:<request id>`."""
PRIVACY_PREFIX = "@privacy:"
"""The privacy notice's OK and the deletion question: `@privacy:ok|delete|keep`."""
LEAVE_CALLBACK = "@callback:leave"
"""Leave a callback request while Rasa is unreachable (the gateway stores it itself)."""
LANGUAGE_PREFIX = "@language:"
"""A choice in the /language menu: `@language:<code>`."""
CASE_PREFIX = "@case:"
"""A client's button about their case (lotse/cases/): `@case:<action>:<id>[:<extra>]` — the
consent answer, a profile field to correct or delete, a plan step done or "I need help"."""

ACCOMPANY_PREFIX = "@acc:"
"""An accompaniment button (lotse/accompaniment/): `@acc:<action>:<id>[:<extra>]` — take,
release, outcome (yes/no) for companions; cancel for the client."""

# -- conversation ids --------------------------------------------------------------------------
TELEGRAM = "tg:"


def telegram_conversation(chat_id: int) -> str:
    """The conversation id of a Telegram chat: `tg:<chat id>`."""
    return f"{TELEGRAM}{chat_id}"


def telegram_chat(conversation_id: str) -> int | None:
    """The Telegram chat id of a conversation, or None for one that is not a Telegram chat
    (the console's, an anonymised request's)."""
    tail = conversation_id.removeprefix(TELEGRAM)
    if conversation_id.startswith(TELEGRAM) and tail.lstrip("-").isdigit():
        return int(tail)
    return None
