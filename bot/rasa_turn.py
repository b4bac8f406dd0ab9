"""Rasa's side of a turn: send one message, read the facts the actions pass to the gateway
(language, intent, queued messages), and lay Rasa's messages out as replies — offer cards,
buttons, the share-contact keyboard. When Rasa cannot answer, the gateway's own fallback.

No transaction of the turn lives here: bot/conversation.py reads before and writes after
(`Gateway._before_turn`, `Gateway._complete`); the buttons made here stay pending until then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot import metrics
from bot.cards import card_html, card_text
from bot.privacy_flow import PrivacyFlow
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.replies import Chat, Reply, pending
from bot.texts import Texts
from lotse.conversations import expect_contact, reply_language
from lotse.db import in_session
from lotse.protocol import (
    CARD_KEY,
    GATEWAY_PAYLOAD_KEY,
    PRIVACY_KEY,
    REQUEST_CONTACT_KEY,
    SEND_OUTBOX,
)
from lotse.safety import PhraseNet, find_phrase
from lotse.text import TELEGRAM_TEXT_LIMIT, split_text

log = logging.getLogger(__name__)

BUTTONS_PER_ROW = 2


class RasaTurn:
    """Asks Rasa and renders its answer; the gateway owns one."""

    def __init__(
        self,
        rasa: RasaClient,
        texts: Texts,
        emergency_phrases: PhraseNet,
        privacy: PrivacyFlow,
        callbacks_offered: bool,
        after_turn: Callable[[], None] | None,
    ) -> None:
        self.rasa = rasa
        self.texts = texts
        self.emergency_phrases = emergency_phrases
        self.privacy = privacy
        self.callbacks_offered = callbacks_offered
        """A desk exists: the fallback offers to leave a callback request."""
        self.after_turn = after_turn

    async def ask(
        self, chat: Chat, message: str, languages: tuple[str | None, str | None]
    ) -> tuple[list[Reply], str | None]:
        """Rasa's answer with its buttons pending, and the reply language if it is new. No
        database work: the caller's one write stores both (`Gateway._complete`)."""
        chosen, last_reply = languages
        metadata = {"chosen_language": chosen, "language_code": chat.language_code}
        current = reply_language(chosen, last_reply, chat.language_code)
        try:
            with metrics.RASA_TURN_SECONDS.time():
                messages = await self.rasa.send(chat.conversation_id, message, metadata)
        except RasaUnavailable:
            metrics.count_turn(None, current, "rasa_unavailable")
            return [self.fallback(chat, message, current)], None
        replies: list[Reply] = []
        language, intent, queued = None, None, False
        for msg in messages:
            custom = msg.get("custom")
            if isinstance(custom, dict) and GATEWAY_PAYLOAD_KEY in custom:
                facts = custom[GATEWAY_PAYLOAD_KEY] or {}
                language = facts.get("language") or language
                intent = facts.get("intent") or intent
                queued = queued or bool(facts.get(SEND_OUTBOX))
                continue
            replies.extend(await self._render(chat, msg))
        learned = language if language and language != last_reply else None
        if queued and self.after_turn is not None:
            self.after_turn()  # the turn queued messages (a booking): send them now
        if not replies:  # e.g. the action server failed: never leave the user in silence
            log.warning("Rasa returned no answer for %s", chat.conversation_id)
            metrics.count_turn(intent, language or current, "no_answer")
            return [self.fallback(chat, message, language or current)], learned
        metrics.count_turn(intent, language or current)
        if intent == "emergency":
            replies[0].urgent = True
        return replies, learned

    def fallback(self, chat: Chat, message: str, language: str) -> Reply:
        """Rasa could not answer. An emergency still gets the emergency numbers at once; anyone
        can still leave a callback request, which the gateway stores itself."""
        if find_phrase(message, self.emergency_phrases):
            log.warning("emergency answered by the gateway itself for %s", chat.conversation_id)
            text = self.texts.emergency.get(language) or self.texts.emergency["de"]
            reply = Reply(text, urgent=True)
        else:
            reply = Reply(self.texts.get(language, "unavailable"))
        if self.callbacks_offered and message != "/greet":
            reply.buttons = pending([self.privacy.leave_callback_button(language)])
        return reply

    async def _render(self, chat: Chat, msg: dict[str, Any]) -> list[Reply]:
        custom = msg.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get(CARD_KEY), dict):
            return self._render_card(custom)
        if isinstance(custom, dict) and custom.get(PRIVACY_KEY) == "offer_deletion":
            return await self.privacy.offer_deletion(chat)
        if isinstance(custom, dict) and isinstance(custom.get(REQUEST_CONTACT_KEY), dict):
            return await self._request_contact(chat, custom[REQUEST_CONTACT_KEY])
        text = str(msg.get("text") or "").strip()
        options = _options(msg.get("buttons"))
        if not text and not options:
            return []
        parts = split_text(text) if text else [""]
        replies = [Reply(part) for part in parts]
        if options:
            replies[-1].buttons = pending(options, BUTTONS_PER_ROW)
        return replies

    def _render_card(self, custom: dict[str, Any]) -> list[Reply]:
        """An offer card from the action server, laid out here (bot/cards.py): HTML for
        Telegram, plain text for the console."""
        card = custom[CARD_KEY]
        text = card_text(card).strip()[:TELEGRAM_TEXT_LIMIT]
        html = card_html(card).strip()
        reply = Reply(text, html=html if 0 < len(html) <= TELEGRAM_TEXT_LIMIT else None)
        if options := _options(custom.get("buttons")):
            reply.buttons = pending(options, BUTTONS_PER_ROW)
        return [reply] if text else []

    async def _request_contact(self, chat: Chat, spec: dict[str, Any]) -> list[Reply]:
        """Telegram's share-contact button; the number then reaches only the database."""
        try:
            await in_session(lambda s: expect_contact(s, chat.conversation_id))
        except Exception:
            log.exception("could not prepare for a shared contact")
        text = str(spec.get("text") or "")[:TELEGRAM_TEXT_LIMIT]
        return [Reply(text, request_contact=str(spec.get("button") or "📞"))] if text else []


def _options(buttons: object) -> list[tuple[str, str]]:
    if not isinstance(buttons, list):
        return []
    return [
        (str(b.get("title", "")), str(b.get("payload", "")))
        for b in buttons
        if isinstance(b, dict) and b.get("payload")
    ]
