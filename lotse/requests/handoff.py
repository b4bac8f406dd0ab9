"""Live handoff: a facilitator talks with a client through the bot.

While a chat is open, the client's messages go to the facilitator instead of Lotse's NLU, and
the facilitator's go to the client under their display name; the client's Telegram identity is
never shown. Everything is relayed through the outbox.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.requests.desk import txt
from lotse.requests.models import CallbackRequest, Facilitator, FacilitatorState
from lotse.requests.outbox import enqueue
from lotse.text import split_text

OPEN = ("open", "claimed")


def tell_client(session: Session, request: CallbackRequest, key: str, **values: object) -> None:
    """A gateway text to the request's client, in the request's language, through the outbox."""
    text = txt(request.language, key, section="lotse_gateway_texts", **values)
    for part in split_text(text):  # a relayed message can be as long as Telegram allows
        enqueue(
            session,
            request.client_chat_id,
            part,
            conversation_id=request.conversation_id,
            request_id=request.id,
        )


def tell_facilitator(
    session: Session, request: CallbackRequest, person: Facilitator, key: str, **values: str
) -> None:
    """A desk text to a facilitator, in their language, through the outbox."""
    text = txt(person.ui_language, key, **values)
    for part in split_text(text):
        enqueue(session, person.telegram_user_id, part, request_id=request.id)


def state_of(session: Session, person: Facilitator) -> FacilitatorState:
    state = session.get(FacilitatorState, person.id)
    if state is None:
        state = FacilitatorState(facilitator_id=person.id)
        session.add(state)
    return state


def owns(request: CallbackRequest | None, person: Facilitator) -> bool:
    return (
        request is not None and request.status == "claimed" and request.facilitator_id == person.id
    )


def start_chat(session: Session, request: CallbackRequest, person: Facilitator) -> bool:
    """Live handoff: the client's messages go to the facilitator, not to Lotse's NLU."""
    if not owns(request, person):
        return False
    state = state_of(session, person)
    if state.chatting_with and state.chatting_with != request.id:
        other = session.get(CallbackRequest, state.chatting_with)
        if other is not None:
            end_request_chat(session, other, person)
    request.handoff_open = True
    state.chatting_with = request.id
    tell_client(session, request, "handoff_started", name=person.display_name)
    tell_facilitator(session, request, person, "chat_started", reference=request.reference)
    return True


def end_request_chat(
    session: Session, request: CallbackRequest, person: Facilitator, notify_client: bool = True
) -> None:
    state = session.get(FacilitatorState, person.id)
    was_open = request.handoff_open
    request.handoff_open = False
    if state is not None and state.chatting_with == request.id:
        state.chatting_with = None
    if was_open and notify_client:
        tell_client(session, request, "handoff_ended", name=person.display_name)
        tell_facilitator(session, request, person, "chat_ended", reference=request.reference)


def end_chat(session: Session, person: Facilitator) -> CallbackRequest | None:
    state = session.get(FacilitatorState, person.id)
    if state is None or state.chatting_with is None:
        return None
    request = session.get(CallbackRequest, state.chatting_with)
    if request is not None:
        end_request_chat(session, request, person)
    state.chatting_with = None
    return request


def chat_of_facilitator(session: Session, person: Facilitator) -> CallbackRequest | None:
    state = session.get(FacilitatorState, person.id)
    if state is None or state.chatting_with is None:
        return None
    request = session.get(CallbackRequest, state.chatting_with)
    return request if request is not None and request.handoff_open else None


def handoff_for_client(session: Session, conversation_id: str) -> CallbackRequest | None:
    """The request whose live chat this client is in (then Lotse's NLU does not answer)."""
    request = open_request(session, conversation_id)
    return request if request is not None and request.handoff_open else None


def relay_to_facilitator(session: Session, request: CallbackRequest, text: str) -> None:
    if request.facilitator is not None:
        tell_facilitator(
            session,
            request,
            request.facilitator,
            "from_client",
            reference=request.reference,
            text=text,
        )


def relay_to_client(
    session: Session, request: CallbackRequest, person: Facilitator, text: str
) -> None:
    tell_client(session, request, "from_counsellor", name=person.display_name, text=text)


def open_request(session: Session, conversation_id: str) -> CallbackRequest | None:
    return session.scalars(
        select(CallbackRequest)
        .where(CallbackRequest.conversation_id == conversation_id, CallbackRequest.status.in_(OPEN))
        .order_by(CallbackRequest.id.desc())
    ).first()
