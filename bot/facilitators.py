"""The facilitators' side of the gateway and the client's /status: thin over
lotse/requests/callbacks.py.

Desk buttons ([Take], [Chat], [Contacts], [Release], [Close], outcomes) arrive as server-side
tokens whose payload starts with `@desk:`; who pressed is checked against the registry on every
press, since callback data and group membership prove nothing. Refusals are answered to the
presser alone (a callback-query alert) and logged. Messages to others go through the outbox; the
partners' contacts only to the private chat of the one who holds the request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.replies import Reply
from lotse.absence import away_command
from lotse.cases.cases import ask_consent
from lotse.db import in_session
from lotse.partners import staff_contacts
from lotse.protocol import CLIENT_PREFIX, DESK_PREFIX
from lotse.requests import callbacks, handoff
from lotse.requests.desk import outcome_buttons, queue_lines, request_values, txt
from lotse.requests.handoff import state_of
from lotse.requests.matching import local_today
from lotse.requests.models import OUTCOMES, CallbackRequest, Facilitator
from lotse.requests.outbox import enqueue

log = logging.getLogger(__name__)


@dataclass
class DeskAnswer:
    """`alert` is shown only to the person who pressed; `replies` go to their private chat."""

    alert: str | None = None
    replies: list[Reply] = field(default_factory=list)
    keep_keyboard: bool = True


def _parse(payload: str, prefix: str) -> tuple[str, int, str]:
    parts = payload.removeprefix(prefix).split(":")
    action = parts[0] if parts else ""
    request_id = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    extra = parts[2] if len(parts) > 2 else ""
    return action, request_id, extra


class FacilitatorDesk:
    def __init__(self, notify: object = None) -> None:
        self.notify = notify  # called after changes that queued outbox messages

    def _sent(self) -> None:
        if callable(self.notify):
            self.notify()

    # -- desk buttons -----------------------------------------------------------------------
    async def on_desk_button(self, user_id: int, payload: str) -> DeskAnswer:
        action, request_id, extra = _parse(payload, DESK_PREFIX)

        def work(session: Session) -> DeskAnswer:
            person = callbacks.facilitator(session, user_id)
            request = session.get(CallbackRequest, request_id)
            if person is None or request is None or not callbacks.covers(session, person, request):
                log.warning("refused desk action %r on %s by user %s", action, request_id, user_id)
                language = person.ui_language if person else "de"
                return DeskAnswer(alert=txt(language, "not_allowed"))
            return self._act(session, person, request, action, extra)

        answer = await in_session(work)
        self._sent()
        return answer

    def _act(
        self,
        session: Session,
        person: Facilitator,
        request: CallbackRequest,
        action: str,
        extra: str,
    ) -> DeskAnswer:
        language = person.ui_language
        if action == "take":
            if request.status != "open":
                holder = request.facilitator.display_name if request.facilitator else ""
                key = "already_taken" if request.status == "claimed" else "gone"
                return DeskAnswer(
                    alert=txt(language, key, reference=request.reference, name=holder)
                )
            result = callbacks.claim(session, request.id, person)
            if not result.won:
                log.info("%s lost the race for %s", person.display_name, request.reference)
                return DeskAnswer(
                    alert=txt(
                        language, "already_taken", reference=request.reference, name=result.holder
                    )
                )
            ask_consent(session, result.request, person)  # may a case be opened? (lotse/cases)
            return DeskAnswer()
        if not handoff.owns(request, person):
            return DeskAnswer(alert=txt(language, "gone"))
        if action == "chat":
            handoff.start_chat(session, request, person)
            return DeskAnswer()
        if action == "contacts":  # to the holder's private chat only, audited
            staff_contacts.send_to_holder(session, request, person)
            return DeskAnswer()
        if action == "release":
            callbacks.release(session, request, person)
            return DeskAnswer(keep_keyboard=False)
        if action == "close":
            text = txt(language, "choose_outcome", reference=request.reference)
            enqueue(
                session,
                person.telegram_user_id,
                text,
                buttons=outcome_buttons(request, language),
                request_id=request.id,
            )
            return DeskAnswer(keep_keyboard=False)
        if action == "outcome" and extra in OUTCOMES:
            state = state_of(session, person)
            state.note_for, state.outcome = request.id, extra
            enqueue(
                session,
                person.telegram_user_id,
                txt(language, "note_prompt"),
                request_id=request.id,
            )
            return DeskAnswer(keep_keyboard=False)
        return DeskAnswer(alert=txt(language, "gone"))

    # -- a facilitator's private chat --------------------------------------------------------
    async def on_text(
        self, user_id: int | None, conversation_id: str, text: str
    ) -> list[Reply] | None:
        """A private text that belongs to the desk, in one transaction: a facilitator's note or
        message to their client, or a client's message in a live chat (relayed, no answer).
        None if neither: then the text is an ordinary question to Lotse."""

        replies = await in_session(
            lambda session: self.handle_text(session, user_id, conversation_id, text)
        )
        if replies is not None:  # the text went to someone: send it now
            self._sent()
        return replies

    def handle_text(
        self, session: Session, user_id: int | None, conversation_id: str, text: str
    ) -> list[Reply] | None:
        """on_text's work inside the caller's transaction (the gateway's turn reads the
        conversation in the same one); the caller calls notify_sent() when it returns a list."""
        person = callbacks.facilitator(session, user_id) if user_id is not None else None
        if person is not None:
            if state_of(session, person).note_for is not None:
                return self._finish_note(session, person, text)
            request = handoff.chat_of_facilitator(session, person)
            if request is not None:
                handoff.relay_to_client(session, request, person, text)
                return []
        request = handoff.handoff_for_client(session, conversation_id)
        if request is None:
            return None
        handoff.relay_to_facilitator(session, request, text)
        return []

    def notify_sent(self) -> None:
        """Messages were queued: the outbox sends them now."""
        self._sent()

    def _finish_note(self, session: Session, person: Facilitator, note: str) -> list[Reply]:
        state = state_of(session, person)
        request = session.get(CallbackRequest, state.note_for)
        outcome = state.outcome or "reached"
        state.note_for, state.outcome = None, None
        if request is None or not callbacks.close(session, request, person, outcome, note):
            return [Reply(txt(person.ui_language, "gone"))]
        return [
            Reply(
                txt(
                    person.ui_language,
                    "closed",
                    reference=request.reference,
                    outcome=txt(person.ui_language, f"outcome_{outcome}"),
                )
            )
        ]

    async def on_command(
        self, user_id: int, command: str, arguments: str = ""
    ) -> list[Reply] | None:
        """/queue, /mine, /end, /skip, /away, /back for facilitators; None for anyone else."""

        def work(session: Session) -> list[Reply] | None:
            person = callbacks.facilitator(session, user_id)
            if person is None:
                return None
            language = person.ui_language
            if command in ("away", "back"):  # lotse/absence.py: hands back what they hold
                said = "off" if command == "back" else arguments
                return [Reply(away_command(session, person, said, local_today()))]
            if command == "queue":
                waiting = callbacks.visible_to(session, person)
                if not waiting:
                    return [Reply(txt(language, "queue_empty"))]
                return [
                    Reply(
                        "\n".join([txt(language, "queue_header"), *queue_lines(waiting, language)])
                    )
                ]
            if command == "mine":
                mine = callbacks.claimed_by(session, person)
                if not mine:
                    return [Reply(txt(language, "mine_empty"))]
                return [
                    Reply("\n".join([txt(language, "mine_header"), *queue_lines(mine, language)]))
                ]
            if command == "end":
                if handoff.end_chat(session, person) is None:
                    return [Reply(txt(language, "not_in_chat"))]
                return []
            if command == "skip" and state_of(session, person).note_for is not None:
                return self._finish_note(session, person, "")
            return [Reply(txt(language, "help"))]

        replies = await in_session(work)
        self._sent()
        return replies

    # -- the client's side -----------------------------------------------------------------
    async def status(
        self, conversation_id: str, language: str
    ) -> tuple[str, list[tuple[str, str]]]:
        """The text of /status and its buttons (title, payload)."""

        def work(session: Session) -> tuple[str, list[tuple[str, str]]]:
            request = handoff.open_request(session, conversation_id)
            if request is None:
                return txt(language, "status_none", section="lotse_gateway_texts"), []
            values = request_values(request, language)
            if request.status == "claimed" and request.facilitator:
                text = txt(
                    language,
                    "status_claimed",
                    section="lotse_gateway_texts",
                    name=request.facilitator.display_name,
                    **values,
                )
            else:
                text = txt(language, "status_open", section="lotse_gateway_texts", **values)
            cancel = txt(language, "cancel_request", section="lotse_gateway_texts")
            return text, [(cancel, f"{CLIENT_PREFIX}cancel:{request.id}")]

        return await in_session(work)

    async def on_client_button(
        self, conversation_id: str, payload: str, language: str
    ) -> list[Reply]:
        action, request_id, _ = _parse(payload, CLIENT_PREFIX)

        def work(session: Session) -> list[Reply]:
            request = handoff.open_request(session, conversation_id)
            if action != "cancel" or request is None or request.id != request_id:
                return [Reply(txt(language, "button_expired", section="lotse_gateway_texts"))]
            callbacks.cancel_by_client(session, conversation_id)
            return [
                Reply(
                    txt(
                        language,
                        "request_cancelled",
                        section="lotse_gateway_texts",
                        reference=request.reference,
                    )
                )
            ]

        replies = await in_session(work)
        self._sent()
        return replies
