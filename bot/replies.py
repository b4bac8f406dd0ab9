"""What the gateway answers, independent of the transport: who we talk to (`Chat`), a reply
(`Reply`) with its buttons, and `coalesce`, which joins the replies of one turn into as few
messages as Telegram's 4,096 characters allow.

The bottom of `bot/`: it imports nothing from the package, everything else may import it.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from lotse.text import TELEGRAM_TEXT_LIMIT

if TYPE_CHECKING:
    from bot.rasa_client import RasaClient
    from bot.texts import Texts

PARAGRAPH = "\n\n"


@dataclass(frozen=True)
class Chat:
    """Who we talk to: a stable conversation id and the client app's language, if known."""

    conversation_id: str
    language_code: str | None = None
    user_id: int | None = None
    """The Telegram user who wrote or pressed (a facilitator, in a desk group)."""


@dataclass(frozen=True)
class Button:
    title: str
    token: str
    payload: str = ""
    """Until the turn is stored: what the button stands for (its token is issued then, in the
    turn's one write, bot/conversation.py)."""


def pending(options: list[tuple[str, str]], per_row: int = 2) -> list[list[Button]]:
    """Buttons whose tokens the turn's write will issue, laid out in rows."""
    buttons = [Button(title, "", payload) for title, payload in options]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    html: str | None = None
    """The same text with Telegram HTML (offer cards: bold name, map link); `text` is plain."""
    request_contact: str | None = None
    """A share-contact button with this label (the phone number for a callback)."""
    remove_keyboard: bool = False
    urgent: bool = False
    """An emergency answer: nothing (not even the privacy notice) goes before it."""

    def markup_html(self) -> str:
        return self.html if self.html is not None else html_lib.escape(self.text, quote=False)


def _joinable(first: Reply, second: Reply) -> bool:
    """One Telegram message has one keyboard: inline buttons of both may be stacked, but a
    share-contact keyboard or a keyboard removal stands alone."""
    if first.request_contact or second.request_contact:
        return False
    if (first.remove_keyboard and second.buttons) or (second.remove_keyboard and first.buttons):
        return False
    both_html = first.html is not None or second.html is not None
    if both_html:
        size = len(first.markup_html()) + len(PARAGRAPH) + len(second.markup_html())
    else:
        size = len(first.text) + len(PARAGRAPH) + len(second.text)
    return size <= TELEGRAM_TEXT_LIMIT and bool(first.text) and bool(second.text)


def _join(first: Reply, second: Reply) -> Reply:
    html = None
    if first.html is not None or second.html is not None:
        html = first.markup_html() + PARAGRAPH + second.markup_html()
    return replace(
        second,
        text=first.text + PARAGRAPH + second.text,
        html=html,
        buttons=[*first.buttons, *second.buttons],
        remove_keyboard=first.remove_keyboard or second.remove_keyboard,
        urgent=first.urgent or second.urgent,
    )


def coalesce(replies: list[Reply]) -> list[Reply]:
    """The replies of one turn as few messages: each joined to the one before while the text
    fits and the keyboards can share one message (buttons keep their order, at the end)."""
    out: list[Reply] = []
    for reply in replies:
        if out and _joinable(out[-1], reply):
            out[-1] = _join(out[-1], reply)
        else:
            out.append(reply)
    return out


class GatewayServices(Protocol):
    """What the gateway's helpers (privacy flow) use of it, so they need not import it."""

    texts: Texts
    rasa: RasaClient
    after_turn: Callable[[], None] | None

    async def language_for(self, chat: Chat) -> str: ...

    async def tokens(self, chat: Chat, options: list[tuple[str, str]]) -> list[list[Button]]: ...
