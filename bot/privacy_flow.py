"""The gateway's privacy and fallback paths: the notice at first contact, deletion on request,
and a callback request left while Rasa is unreachable (the gateway stores it itself)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.replies import Chat, GatewayServices, Reply, pending
from bot.retention import erase_tracker
from lotse import privacy
from lotse.cases import routing
from lotse.db import in_session
from lotse.models import utcnow
from lotse.protocol import LEAVE_CALLBACK, PRIVACY_PREFIX, telegram_chat
from lotse.requests import callbacks, handoff
from lotse.settings import load_settings

log = logging.getLogger(__name__)


class PrivacyFlow:
    def __init__(self, gateway: GatewayServices, notice: bool = True) -> None:
        self.gateway = gateway
        self.notice = notice

    def _reply(self, text: str) -> Reply:
        return Reply(text)

    async def notice_if_first(self, chat: Chat) -> list[Reply]:
        """The privacy notice, once, before the first answer (with an OK that records consent),
        in the language Lotse answers in: asked after the first turn, that is the language of
        the person's first message."""
        if not self.notice:
            return []
        try:
            first = await in_session(lambda s: _first_contact(s, chat.conversation_id))
        except Exception:
            log.exception("could not check the privacy notice")
            return []
        if not first:
            return []
        reply = self.notice_reply(await self.gateway.language_for(chat))
        reply.buttons = await self.gateway.tokens(
            chat, [(b.title, b.payload) for b in reply.buttons[0]]
        )
        return [reply]

    def notice_reply(self, language: str) -> Reply:
        """The notice with its OK button pending (the turn's write issues the token)."""
        gateway, settings = self.gateway, load_settings()
        text = gateway.texts.get(language, "privacy_notice").format(days=settings.retention_days)
        if settings.privacy_policy_url:
            details = gateway.texts.get(language, "privacy_details")
            text += "\n\n" + details.format(url=settings.privacy_policy_url)
        ok = gateway.texts.get(language, "privacy_ok")
        return Reply(text, buttons=pending([(ok, f"{PRIVACY_PREFIX}ok")]))

    async def offer_deletion(self, chat: Chat) -> list[Reply]:
        gateway = self.gateway
        language = await gateway.language_for(chat)
        reply = self._reply(gateway.texts.get(language, "delete_confirm"))
        reply.buttons = await gateway.tokens(
            chat,
            [
                (gateway.texts.get(language, "delete_yes"), f"{PRIVACY_PREFIX}delete"),
                (gateway.texts.get(language, "delete_no"), f"{PRIVACY_PREFIX}keep"),
            ],
        )
        return [reply]

    async def on_payload(self, chat: Chat, payload: str) -> list[Reply]:
        gateway = self.gateway
        language = await gateway.language_for(chat)
        action = payload.removeprefix(PRIVACY_PREFIX)
        if action == "ok":
            await in_session(lambda s: privacy.give_consent(s, chat.conversation_id))
            return []
        if action == "keep":
            return [self._reply(gateway.texts.get(language, "delete_kept"))]
        if action != "delete":
            return [self._reply(gateway.texts.get(language, "button_expired"))]
        return await self.erase(chat, language)

    async def erase(self, chat: Chat, language: str) -> list[Reply]:
        """Everything about this person: database rows, then Rasa's tracker."""
        gateway = self.gateway
        try:
            erased = await in_session(lambda s: privacy.erase_conversation(s, chat.conversation_id))
        except Exception:
            log.exception("deletion failed in the database")
            return [self._reply(gateway.texts.get(language, "unavailable"))]
        log.info("erased conversation data: %s", erased)
        try:
            await erase_tracker(gateway.rasa, load_settings(), chat.conversation_id)
        except Exception:
            log.exception("deletion: the tracker could not be erased now")
            return [self._reply(gateway.texts.get(language, "unavailable"))]
        if gateway.after_turn is not None:
            gateway.after_turn()  # the withdrawal notices to a facilitator or desk
        return [self._reply(gateway.texts.get(language, "deleted"))]

    def leave_callback_button(self, language: str) -> tuple[str, str]:
        return (self.gateway.texts.get(language, "leave_callback"), LEAVE_CALLBACK)

    async def leave_callback(self, chat: Chat) -> list[Reply]:
        """Rasa is down: the gateway books a callback itself (a counsellor writes back here)."""
        gateway = self.gateway
        language = await gateway.language_for(chat)
        region = load_settings().default_region
        try:
            reference = await in_session(
                lambda s: _store_request(s, chat.conversation_id, language, region)
            )
        except Exception:
            log.exception("could not store a callback request without Rasa")
            return [self._reply(gateway.texts.get(language, "unavailable"))]
        if gateway.after_turn is not None:
            gateway.after_turn()
        return [
            self._reply(gateway.texts.get(language, "callback_stored").format(reference=reference))
        ]


def _first_contact(session: Session, conversation_id: str) -> bool:
    if not privacy.needs_notice(session, conversation_id):
        return False
    privacy.notice_shown(session, conversation_id)
    return True


def _store_request(session: Session, conversation_id: str, language: str, region: str) -> str:
    existing = handoff.open_request(session, conversation_id)
    if existing is not None:
        return existing.reference
    place = region or callbacks.any_desk_region(session) or ""
    request = routing.book(
        session,
        callbacks.Booking(
            conversation_id=conversation_id,
            client_chat_id=telegram_chat(conversation_id) or 0,
            topic="general",
            place=place,
            language=language,
            preferred_day=callbacks.callback_slots(utcnow().date())[0],
            preferred_part="am",
        ),
    )
    return request.reference
