"""The gateway's logic, independent of the transport (Telegram or the console chat): every
entry point (text, button, command, contact, location) and the turn's two transactions — one
read before Rasa (`_before_turn`), one write after (`_complete`).

Handlers in bot/telegram_app.py and bot/console.py only translate to and from `Reply`; asking
Rasa and laying out its answer is bot/rasa_turn.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.case_flow import CaseFlow
from bot.privacy_flow import PrivacyFlow
from bot.rasa_client import RasaClient
from bot.rasa_turn import BUTTONS_PER_ROW, RasaTurn
from bot.replies import Button, Chat, Reply
from bot.texts import Texts, load_texts
from lotse import LANGUAGE_NAMES, LANGUAGES
from lotse.buttons import issue_token, redeem_token
from lotse.catalogue.places import covered_regions, nearest_place
from lotse.conversations import (
    choose_language,
    known_languages,
    reply_language,
    store_shared_phone,
)
from lotse.db import in_session
from lotse.protocol import (
    CASE_PREFIX,
    CLIENT_PREFIX,
    DESK_PREFIX,
    LANGUAGE_PREFIX,
    LEAVE_CALLBACK,
    PRIVACY_PREFIX,
)
from lotse.safety import load_phrases
from lotse.text import isolate
from lotse.turns import issue_tokens, read_turn, write_turn

if TYPE_CHECKING:
    from bot.facilitators import FacilitatorDesk

log = logging.getLogger(__name__)

MAX_NLU_CHARS = 1000
"""Longer messages are understood from their beginning (NLU cost grows with length)."""


@dataclass(frozen=True)
class BeforeTurn:
    relayed: list[Reply] | None
    """The desk's answer when the text was a facilitator's note or a live-chat message."""
    languages: tuple[str | None, str | None]
    """(explicit choice, language Lotse last answered in)"""
    first_contact: bool


class Gateway:
    def __init__(
        self,
        rasa: RasaClient,
        texts: Texts | None = None,
        desk: FacilitatorDesk | None = None,
        after_turn: Callable[[], None] | None = None,
        privacy_notice: bool = True,
    ) -> None:
        self.rasa = rasa
        self.texts = texts or load_texts()
        self.emergency_phrases = load_phrases()
        self.desk = desk
        self.after_turn = after_turn
        self.privacy = PrivacyFlow(self, notice=privacy_notice)
        self.cases = CaseFlow(self, self.emergency_phrases)
        self.turns = RasaTurn(
            rasa, self.texts, self.emergency_phrases, self.privacy, desk is not None, after_turn
        )

    # -- language -------------------------------------------------------------------------
    async def _languages(self, chat: Chat) -> tuple[str | None, str | None]:
        """(explicit choice, language Lotse last answered in)."""

        try:
            return await in_session(lambda s: known_languages(s, chat.conversation_id))
        except Exception:  # the database being down must not silence the gateway
            log.exception("could not read the conversation's languages")
            return None, None

    async def language_for(self, chat: Chat) -> str:
        chosen, last_reply = await self._languages(chat)
        return reply_language(chosen, last_reply, chat.language_code)

    async def text_reply(self, chat: Chat, key: str) -> Reply:
        return Reply(self.texts.get(await self.language_for(chat), key))

    # -- turns ----------------------------------------------------------------------------
    async def on_text(self, chat: Chat, original: str) -> list[Reply]:
        # Lotse's NLU reads a cleaned-up beginning; a person in a live chat gets every character
        text = " ".join(original.split())[:MAX_NLU_CHARS].lstrip("/")
        if not text:
            return [await self.text_reply(chat, "non_text")]
        before = await self._before_turn(chat, original)
        if before.relayed is not None:
            return before.relayed  # the desk's: Lotse's NLU stays out of it
        replies, learned = await self.turns.ask(chat, text, before.languages)
        # the notice speaks the language Lotse just found in this first message; it opens the
        # answer, in the same Telegram message (bot/replies.py) — except an emergency answer,
        # which nothing may precede
        notice = []
        if before.first_contact and self.privacy.notice:
            language = learned or reply_language(*before.languages, chat.language_code)
            notice = [self.privacy.notice_reply(language)]
        ordered = [*replies, *notice] if any(r.urgent for r in replies) else [*notice, *replies]
        return await self._complete(chat, ordered, learned, notice_shown=bool(notice))

    async def _before_turn(self, chat: Chat, original: str) -> BeforeTurn:
        """The turn's one read: is the text the desk's (a facilitator's note, a live chat —
        then it is relayed in the same transaction), the conversation's languages, and whether
        this is the first contact. The database being down must not silence the gateway."""

        def read(session: Session) -> BeforeTurn:
            facts = read_turn(session, chat.conversation_id, chat.user_id)
            relayed = None
            if self.desk is not None and facts.desk_involved:
                relayed = self.desk.handle_text(
                    session, chat.user_id, chat.conversation_id, original
                )
            if relayed is None and facts.case_awaits_field:  # a value asked for in /profile
                relayed = self.cases.handle_text(session, chat, original)
            return BeforeTurn(relayed, (facts.language, facts.reply_language), facts.first_contact)

        try:
            before = await in_session(read)
        except Exception:
            log.exception("could not read the conversation before the turn")
            return BeforeTurn(None, (None, None), False)
        if before.relayed is not None and self.desk is not None:
            self.desk.notify_sent()
        return before

    async def _complete(
        self,
        chat: Chat,
        replies: list[Reply],
        learned: str | None = None,
        notice_shown: bool = False,
    ) -> list[Reply]:
        """The turn's one write: the reply language learned, the notice shown, and a token for
        every button of the answer. Without the database the text still goes, without buttons
        (they could not be honoured)."""
        cid = chat.conversation_id

        def write(session: Session) -> list[list[list[Button]]]:
            write_turn(session, cid, learned, notice_shown)
            waiting = [b for r in replies for row in r.buttons for b in row if not b.token]
            tokens = iter(issue_tokens(session, cid, [(b.title, b.payload) for b in waiting]))
            return [  # the same order as `waiting`
                [
                    [b if b.token else Button(b.title, next(tokens)) for b in row]
                    for row in r.buttons
                ]
                for r in replies
            ]

        try:
            issued = await in_session(write)
        except Exception:
            log.exception("could not store the turn")
            issued = [[[b for b in row if b.token] for row in r.buttons] for r in replies]
        for reply, rows in zip(replies, issued, strict=True):
            reply.buttons = [row for row in rows if row]
        return replies

    async def on_delete_command(self, chat: Chat) -> list[Reply]:
        return await self.privacy.offer_deletion(chat)

    async def on_status(self, chat: Chat) -> list[Reply]:
        """The client's open callback request, with a button to cancel it."""
        language = await self.language_for(chat)
        if self.desk is None:
            return [Reply(self.texts.get(language, "status_none"))]
        try:
            text, options = await self.desk.status(chat.conversation_id, language)
        except Exception:
            log.exception("could not read the callback request")
            return [Reply(self.texts.get(language, "unavailable"))]
        return [Reply(text, await self.tokens(chat, options) if options else [])]

    async def on_facilitator_command(self, chat: Chat, command: str, text: str = "") -> list[Reply]:
        replies = None
        if self.desk is not None and chat.user_id is not None:
            try:
                arguments = text.split(maxsplit=1)[1] if len(text.split()) > 1 else ""
                replies = await self.desk.on_command(chat.user_id, command, arguments)
            except Exception:
                log.exception("desk command failed")
                return [await self.text_reply(chat, "unavailable")]
        return replies if replies is not None else [await self.text_reply(chat, "unknown_command")]

    async def on_case_staff_command(self, chat: Chat, command: str, text: str) -> list[Reply]:
        """A facilitator's /cases, /handover, /web (bot/case_flow.py)."""
        replies = None
        if chat.user_id is not None:
            try:
                replies = await self.cases.on_staff_command(chat.user_id, command, text)
            except Exception:
                log.exception("case command failed")
                return [await self.text_reply(chat, "unavailable")]
        return replies if replies is not None else [await self.text_reply(chat, "unknown_command")]

    async def on_contact(self, chat: Chat, phone: str, own: bool) -> list[Reply]:
        """A shared contact: the client's own number, if Lotse asked for it for a callback."""
        try:
            stored = own and await in_session(
                lambda s: store_shared_phone(s, chat.conversation_id, phone)
            )
        except Exception:
            log.exception("could not store the shared number")
            return [await self.text_reply(chat, "unavailable")]
        if not stored:
            return [await self.text_reply(chat, "non_text")]
        replies = await self._ask_rasa(chat, '/inform{"phone_shared": true}')
        if replies:
            replies[0].remove_keyboard = True
        return replies

    async def on_start(self, chat: Chat) -> list[Reply]:
        greeting = await self._ask_rasa(chat, "/greet")
        return [*await self.privacy.notice_if_first(chat), *greeting]

    async def on_help(self, chat: Chat) -> list[Reply]:
        return [await self.text_reply(chat, "help")]

    async def on_non_text(self, chat: Chat) -> list[Reply]:
        return [await self.text_reply(chat, "non_text")]

    async def on_unknown_command(self, chat: Chat) -> list[Reply]:
        return [await self.text_reply(chat, "unknown_command")]

    async def on_language_command(self, chat: Chat) -> list[Reply]:
        language = await self.language_for(chat)
        options = [(LANGUAGE_NAMES[code], f"{LANGUAGE_PREFIX}{code}") for code in LANGUAGES]
        buttons = await self.tokens(chat, options)
        return [Reply(self.texts.get(language, "choose_language"), buttons)]

    async def redeem(self, chat: Chat, token: str) -> str | None:
        """What a pressed button's token stands for in this chat (None: forged or stale).
        Raises if the database cannot be reached."""

        def lookup(session: Session) -> str | None:
            button = redeem_token(session, chat.conversation_id, token)
            return button.payload if button else None

        payload = await in_session(lookup)
        if payload is None:
            log.warning("refused unknown button data from %s", chat.conversation_id)
        return payload

    async def on_button(self, chat: Chat, token: str) -> list[Reply]:
        """A pressed button: look up what the token stands for; never trust its data."""
        try:
            payload = await self.redeem(chat, token)
        except Exception:  # the database is down: say so, never stay silent
            log.exception("could not look up a button")
            return [await self.text_reply(chat, "unavailable")]
        return await self.on_payload(chat, payload)

    async def on_payload(self, chat: Chat, payload: str | None) -> list[Reply]:
        """What a pressed button stands for (redeemed once, by the caller); None: forged or
        stale."""
        if payload is None or payload.startswith(DESK_PREFIX):
            return [await self.text_reply(chat, "button_expired")]
        if payload.startswith(LANGUAGE_PREFIX):
            return await self._set_language(chat, payload.removeprefix(LANGUAGE_PREFIX))
        if payload.startswith(PRIVACY_PREFIX):
            return await self.privacy.on_payload(chat, payload)
        if payload == LEAVE_CALLBACK:
            return await self.privacy.leave_callback(chat)
        if payload.startswith(CASE_PREFIX):
            return await self.cases.on_payload(chat, payload)
        if payload.startswith(CLIENT_PREFIX) and self.desk is not None:
            language = await self.language_for(chat)
            return await self.desk.on_client_button(chat.conversation_id, payload, language)
        return await self._ask_rasa(chat, payload)

    async def _set_language(self, chat: Chat, language: str) -> list[Reply]:
        try:
            await in_session(lambda s: choose_language(s, chat.conversation_id, language))
        except Exception:
            log.exception("could not store the language choice")
            return [Reply(self.texts.get(language, "unavailable"))]
        return [Reply(self.texts.get(language, "language_set"))]

    # -- Rasa (bot/rasa_turn.py) ------------------------------------------------------------
    async def _ask_rasa(self, chat: Chat, message: str) -> list[Reply]:
        """A whole turn with Rasa for the entry points without a notice: read, ask, write."""
        replies, learned = await self.turns.ask(chat, message, await self._languages(chat))
        return await self._complete(chat, replies, learned)

    async def on_location(self, chat: Chat, latitude: float, longitude: float) -> list[Reply]:
        """A shared Telegram location: the municipality it lies in answers the place question."""

        def resolve(session: Session) -> tuple[str | None, list[str]]:
            return nearest_place(session, latitude, longitude), covered_regions(session)

        try:
            place, regions = await in_session(resolve)
        except Exception:
            log.exception("could not resolve a shared location")
            return [await self.text_reply(chat, "unavailable")]
        if place is None:
            language = await self.language_for(chat)
            shown = isolate(", ".join(regions), language)
            text = self.texts.get(language, "location_outside").format(regions=shown)
            return [Reply(text)]
        return await self._ask_rasa(chat, "/inform" + json.dumps({"location": place}))

    async def tokens(self, chat: Chat, options: list[tuple[str, str]]) -> list[list[Button]]:
        """Store payloads server-side and lay the buttons out in rows."""

        def store(session: Session) -> list[Button]:
            return [
                Button(title, issue_token(session, chat.conversation_id, title, payload))
                for title, payload in options
            ]

        try:
            buttons = await in_session(store)
        except Exception:  # without the database, buttons cannot be honoured: send the text
            log.exception("could not store button payloads")
            return []
        return [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
