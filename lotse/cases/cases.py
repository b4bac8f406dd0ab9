"""A case: opened only when the client agrees, with a responsible facilitator, its history of
requests, notes and changes, and a handover to a named colleague.

After a facilitator takes a request, the client is asked in their language what would be kept,
by whom and for how long (`ask_consent`). "Yes" opens the case (the question is stored word for
word with its date); "no" deletes the proposal. Every message goes through the outbox, in the
same transaction as the change it reports.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lotse.cases.models import Case, CaseEvent, CaseRequest
from lotse.catalogue.places import area_chain
from lotse.db import affected
from lotse.i18n import text
from lotse.models import utcnow
from lotse.protocol import CASE_PREFIX
from lotse.requests.models import CallbackRequest, Desk, Facilitator
from lotse.requests.outbox import Button, enqueue
from lotse.text import split_text

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CLIENT = "lotse_case"
STAFF = "lotse_case_desk"
ACTIVE = ("proposed", "open")


class CaseError(ValueError):
    """A case change that cannot be made, said plainly."""


def client_text(language: str, key: str, /, **values: object) -> str:
    return text(language, CLIENT, key).format(**values)


def staff_text(language: str, key: str, /, **values: object) -> str:
    return text(language, STAFF, key).format(**values)


def tell_client(session: Session, case: Case, key: str, **values: object) -> None:
    buttons = values.pop("buttons", None)
    parts = split_text(client_text(case.language, key, **values))
    for i, part in enumerate(parts):
        enqueue(
            session,
            case.client_chat_id,
            part,
            conversation_id=case.conversation_id,
            buttons=buttons if i == len(parts) - 1 else None,  # type: ignore[arg-type]
        )


def tell_staff(session: Session, person: Facilitator, key: str, **values: object) -> None:
    for part in split_text(staff_text(person.ui_language, key, **values)):
        enqueue(session, person.telegram_user_id, part)


def log_event(session: Session, case: Case, kind: str, actor: str, note: str = "") -> CaseEvent:
    event = CaseEvent(case_id=case.id, kind=kind, actor=actor, text=note)
    session.add(event)
    return event


def _reference(session: Session) -> str:
    while True:
        reference = "F-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
        if session.scalar(select(Case.id).where(Case.reference == reference)) is None:
            return reference


def case_of(
    session: Session, conversation_id: str, statuses: tuple[str, ...] = ACTIVE
) -> Case | None:
    """The client's current case (or proposal)."""
    return session.scalars(
        select(Case)
        .where(Case.conversation_id == conversation_id, Case.status.in_(statuses))
        .order_by(Case.id.desc())
    ).first()


def link_request(session: Session, case: Case, request: CallbackRequest, posted: bool) -> None:
    """Record a request in the case's history (`posted`: it is on the desk already)."""
    if session.scalar(select(CaseRequest.id).where(CaseRequest.request_id == request.id)):
        return
    now = utcnow()
    session.add(
        CaseRequest(case_id=case.id, request_id=request.id, desk_posted_at=now if posted else None)
    )
    log_event(session, case, "request", "", request.reference)


def ask_consent(session: Session, request: CallbackRequest, person: Facilitator) -> Case | None:
    """After a facilitator took a request: ask the client whether a case may be opened. A client
    with a case already gets none; the request joins their history instead."""
    if not request.client_chat_id or not request.conversation_id:
        return None
    existing = case_of(session, request.conversation_id)
    if existing is not None:
        if existing.status == "open":
            link_request(session, existing, request, posted=True)
        return None
    case = Case(
        reference=_reference(session),
        conversation_id=request.conversation_id,
        client_chat_id=request.client_chat_id,
        language=request.language,
        region=request.region,
        facilitator_id=person.id,
        status="proposed",
    )
    session.add(case)
    session.flush()
    session.add(CaseRequest(case_id=case.id, request_id=request.id, desk_posted_at=utcnow()))
    from lotse.settings import load_settings

    days = load_settings().retention_days
    buttons = [
        [
            Button(client_text(case.language, "consent_yes"), f"{CASE_PREFIX}yes:{case.id}"),
            Button(client_text(case.language, "consent_no"), f"{CASE_PREFIX}no:{case.id}"),
        ]
    ]
    tell_client(
        session, case, "consent_question", name=person.display_name, days=days, buttons=buttons
    )
    return case


def answer_consent(session: Session, conversation_id: str, case_id: int, agreed: bool) -> str:
    """The client's answer. Returns the key of the reply: `opened`, `declined` or `expired`."""
    case = session.get(Case, case_id)
    if case is None or case.conversation_id != conversation_id or case.status != "proposed":
        return "expired"
    person = case.facilitator
    if not agreed:
        session.execute(delete(CaseRequest).where(CaseRequest.case_id == case.id))
        session.delete(case)
        if person is not None:
            tell_staff(session, person, "client_declined")
        return "declined"
    from lotse.settings import load_settings

    moved = affected(
        session.execute(
            update(Case)
            .where(Case.id == case.id, Case.status == "proposed")
            .values(status="open", consent_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if not moved:
        return "expired"
    session.refresh(case)
    case.consent_text = client_text(
        case.language,
        "consent_question",
        name=person.display_name if person else "",
        days=load_settings().retention_days,
    )
    log_event(session, case, "opened", person.display_name if person else "")
    if person is not None:
        tell_staff(session, person, "case_opened", reference=case.reference)
    return "opened"


def handover(session: Session, case: Case, by: Facilitator, to: Facilitator, note: str) -> None:
    """Give the case to a named colleague with a handover note; the client is told who is
    responsible now."""
    if case.status != "open":
        raise CaseError("only an open case can be handed over")
    if not to.active:
        raise CaseError(f"{to.display_name} is not active")
    if to.id == case.facilitator_id:
        raise CaseError(f"{to.display_name} is responsible already")
    if not serves_region(session, to, case):
        raise CaseError(f"{to.display_name} does not work in {case.region}")
    holder = case.facilitator
    previous = holder.display_name if holder else ""
    case.facilitator_id = to.id
    session.flush()
    session.refresh(case)
    log_event(session, case, "handover", by.display_name, f"→ {to.display_name}: {note.strip()}")
    tell_staff(
        session, to, "handed_to_you", reference=case.reference, name=by.display_name, note=note
    )
    if holder is not None and holder.id != by.id:  # a stand-in or coordinator handed it over
        tell_staff(
            session,
            holder,
            "handed_away",
            reference=case.reference,
            name=to.display_name,
            by=by.display_name,
        )
    tell_client(session, case, "handed_over", name=to.display_name, previous=previous)


def add_note(session: Session, case: Case, by: Facilitator, note: str) -> CaseEvent:
    note = note.strip()
    if not note:
        raise CaseError("an empty note")
    return log_event(session, case, "note", by.display_name, note[:4000])


def close_case(session: Session, case: Case, by: Facilitator) -> None:
    if case.status != "open":
        raise CaseError("the case is not open")
    case.status, case.closed_at = "closed", utcnow()
    log_event(session, case, "closed", by.display_name)
    tell_client(session, case, "case_closed", name=by.display_name)


def serves_region(session: Session, person: Facilitator, case: Case) -> bool:
    around = {a.name for a in area_chain(session, case.region)} | {case.region}
    return bool(around & set(person.regions or []))


def coordinated_regions(session: Session, person: Facilitator) -> list[str]:
    return list(
        session.scalars(
            select(Desk.region).where(Desk.coordinator_telegram_id == person.telegram_user_id)
        )
    )


def may_see(session: Session, person: Facilitator, case: Case) -> bool:
    """Own cases; those of the desks of the facilitator's regions; a coordinator all of their
    region and the areas inside it. Proposals are nobody's to open yet."""
    if not person.active or case.status == "proposed":
        return False
    if case.facilitator_id == person.id or case.region in (person.regions or []):
        return True
    around = {a.name for a in area_chain(session, case.region)} | {case.region}
    return bool(around & set(coordinated_regions(session, person)))


def visible_cases(session: Session, person: Facilitator) -> list[Case]:
    rows = session.scalars(
        select(Case).where(Case.status.in_(("open", "closed"))).order_by(Case.created_at.desc())
    )
    return [c for c in rows if may_see(session, person, c)]


def own_cases(session: Session, person: Facilitator) -> list[Case]:
    return list(
        session.scalars(
            select(Case)
            .where(Case.facilitator_id == person.id, Case.status == "open")
            .order_by(Case.created_at)
        )
    )


def colleague(session: Session, name: str, case: Case) -> Facilitator | None:
    """An active facilitator of the case's region by display name (case-insensitive)."""
    wanted = name.strip().casefold()
    for person in session.scalars(select(Facilitator).where(Facilitator.active.is_(True))):
        if person.display_name.casefold() == wanted and serves_region(session, person, case):
            return person
    return None


def now() -> datetime:
    return utcnow()
