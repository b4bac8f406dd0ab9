"""Case work in Telegram: the client's consent answer, `/profile` (see, correct, delete each
field), `/plan` (with "done" and "I need help with this"); the facilitators' `/cases`,
`/handover` and `/web`. Thin over lotse/cases/.

Button payloads start with `@case:` and are bound to the conversation they were issued to; the
case is looked up again on every press, so a stale button does nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.replies import Chat, GatewayServices, Reply
from lotse.cases import access, assessment, plan
from lotse.cases.cases import (
    CaseError,
    answer_consent,
    case_of,
    client_text,
    colleague,
    handover,
    own_cases,
    staff_text,
)
from lotse.cases.models import OPEN_STEP, Case
from lotse.db import in_session
from lotse.protocol import CASE_PREFIX
from lotse.requests import callbacks
from lotse.safety import PhraseNet, find_phrase
from lotse.settings import load_settings
from lotse.text import isolate

log = logging.getLogger(__name__)
Options = list[tuple[str, str]]


def _label(language: str, field: str) -> str:
    return client_text(language, f"field_{field}")


def render_plan(session: Session, case: Case) -> list[tuple[str, Options]]:
    """The plan in the client's language: goals and the next review, then one message per step
    (an offer step with its name, description, address, phones and hours)."""
    lang = case.language
    name = case.facilitator.display_name if case.facilitator else ""
    steps, goals = plan.steps_of(session, case), plan.goals_of(session, case)
    if not steps and not goals:
        return [(client_text(lang, "plan_empty", name=isolate(name, lang)), [])]
    head = [client_text(lang, "plan_header")]
    for goal in goals:
        area = client_text(lang, f"area_{goal.area}")
        head.append(client_text(lang, "goal", text=f"{area}: {isolate(goal.text, lang)}"))
    if case.next_review_on:
        head.append(client_text(lang, "next_review", date=case.next_review_on.strftime("%d.%m.%Y")))
    out: list[tuple[str, Options]] = [("\n".join(head), [])]
    for step in steps:
        label = step.text
        details: list[str] = []
        if step.offer_id and (card := plan.offer_card(session, step.offer_id, lang)):
            label = f"{card.name} — {step.text}" if step.text else card.name
            details = [card.description, card.address, *card.phones, card.hours]
        due = client_text(lang, "due", date=step.due_on.strftime("%d.%m.%Y")) if step.due_on else ""
        comment = (
            client_text(lang, "comment", text=isolate(step.comment, lang)) if step.comment else ""
        )
        text = client_text(
            lang,
            "step",
            status=client_text(lang, f"status_{step.status}"),
            text=f"{client_text(lang, 'area_' + step.area)}: {isolate(label, lang)}",
            who=client_text(lang, f"who_{step.who}"),
            due=due,
            comment=comment,
        )
        text += "".join(f"\n   {isolate(d, lang)}" for d in details if d)
        options: Options = []
        if step.status in OPEN_STEP:
            options = [
                (client_text(lang, "step_done"), f"{CASE_PREFIX}done:{step.id}"),
                (client_text(lang, "step_help"), f"{CASE_PREFIX}help:{step.id}"),
            ]
        out.append((text, options))
    return out


def render_profile(session: Session, case: Case) -> tuple[str, Options]:
    lang = case.language
    stored = assessment.fields_of(session, case)
    if not stored:
        return client_text(lang, "profile_empty"), [
            (client_text(lang, "add"), f"{CASE_PREFIX}add:0")
        ]
    lines = [client_text(lang, "profile_header"), ""]
    options: Options = []
    for field, value in stored.items():
        shown = client_text(lang, "level_unknown") if value == "unknown" else value
        lines.append(f"• {_label(lang, field)}: {isolate(shown, lang)}")
        options.append(
            (client_text(lang, "edit", field=_label(lang, field)), f"{CASE_PREFIX}edit:{field}")
        )
        options.append(
            (client_text(lang, "delete", field=_label(lang, field)), f"{CASE_PREFIX}del:{field}")
        )
    if len(stored) < len(assessment.FIELDS):
        options.append((client_text(lang, "add"), f"{CASE_PREFIX}add:0"))
    return "\n".join(lines), options


class CaseFlow:
    def __init__(self, gateway: GatewayServices, emergency_phrases: PhraseNet) -> None:
        self.gateway = gateway
        self.emergency_phrases = emergency_phrases

    async def _replies(self, chat: Chat, messages: list[tuple[str, Options]]) -> list[Reply]:
        out = []
        for text, options in messages:
            out.append(Reply(text, await self.gateway.tokens(chat, options) if options else []))
        return out

    async def _no_case(self, chat: Chat) -> list[Reply]:
        return [Reply(client_text(await self.gateway.language_for(chat), "no_case"))]

    async def on_profile(self, chat: Chat) -> list[Reply]:
        def work(session: Session) -> tuple[str, Options] | None:
            case = case_of(session, chat.conversation_id, ("open",))
            return render_profile(session, case) if case else None

        shown = await in_session(work)
        return await self._replies(chat, [shown]) if shown else await self._no_case(chat)

    async def on_plan(self, chat: Chat) -> list[Reply]:
        def work(session: Session) -> list[tuple[str, Options]] | None:
            case = case_of(session, chat.conversation_id, ("open",))
            return render_plan(session, case) if case else None

        shown = await in_session(work)
        return await self._replies(chat, shown) if shown else await self._no_case(chat)

    async def on_payload(self, chat: Chat, payload: str) -> list[Reply]:
        parts = payload.removeprefix(CASE_PREFIX).split(":", 2)
        action, arg = parts[0], parts[1] if len(parts) > 1 else ""
        extra = parts[2] if len(parts) > 2 else ""

        def work(session: Session) -> list[tuple[str, Options]]:
            if action in ("yes", "no") and arg.isdigit():
                outcome = answer_consent(session, chat.conversation_id, int(arg), action == "yes")
                case = session.get(Case, int(arg)) if outcome == "opened" else None
                language = case.language if case else _language_of(session, chat)
                name = case.facilitator.display_name if case and case.facilitator else ""
                return [(client_text(language, outcome, name=isolate(name, language)), [])]
            case = case_of(session, chat.conversation_id, ("open",))
            if case is None:
                return [(client_text(_language_of(session, chat), "expired"), [])]
            return self._act(session, case, action, arg, extra)

        try:
            messages = await in_session(work)
        except CaseError:
            messages = [(client_text(await self.gateway.language_for(chat), "expired"), [])]
        if self.gateway.after_turn is not None:
            self.gateway.after_turn()  # a facilitator may have been told: send it now
        return await self._replies(chat, messages)

    def _act(
        self, session: Session, case: Case, action: str, arg: str, extra: str
    ) -> list[tuple[str, Options]]:
        lang = case.language
        name = isolate(case.facilitator.display_name if case.facilitator else "", lang)
        if action in ("done", "help") and arg.isdigit():
            plan.client_marks(session, case, int(arg), action)
            return [
                (client_text(lang, "done_ok" if action == "done" else "help_sent", name=name), [])
            ]
        if action == "add":
            stored = assessment.fields_of(session, case)
            options = [
                (_label(lang, f), f"{CASE_PREFIX}edit:{f}")
                for f in assessment.FIELDS
                if f not in stored
            ]
            return [(client_text(lang, "choose_field"), options)]
        if arg not in assessment.FIELDS:
            return [(client_text(lang, "expired"), [])]
        if action == "del":
            assessment.delete_field(session, case, arg)
            return [(client_text(lang, "deleted", field=_label(lang, arg)), [])]
        if action == "set":
            assessment.set_field(session, case, arg, extra, "client")
            case.editing_field = None
            return [(client_text(lang, "saved", field=_label(lang, arg)), [])]
        if action == "edit":
            if arg == "german_level":
                options = [
                    (
                        client_text(lang, "level_unknown") if level == "unknown" else level,
                        f"{CASE_PREFIX}set:german_level:{level}",
                    )
                    for level in assessment.GERMAN_LEVELS
                ]
                return [(client_text(lang, "ask_value", field=_label(lang, arg)), options)]
            case.editing_field = arg
            return [(client_text(lang, "ask_value", field=_label(lang, arg)), [])]
        return [(client_text(lang, "expired"), [])]

    def handle_text(self, session: Session, chat: Chat, text: str) -> list[Reply] | None:
        """Inside the turn's transaction: the value of the field the client was asked for;
        None when no field is awaited, or when the message is an emergency (then Lotse
        answers it as always, and the question is dropped)."""
        case = case_of(session, chat.conversation_id, ("open",))
        if case is None or not case.editing_field:
            return None
        field, case.editing_field = case.editing_field, None
        if find_phrase(text, self.emergency_phrases):
            return None
        try:
            assessment.set_field(session, case, field, text, "client")
        except CaseError:
            case.editing_field = field
            return [Reply(client_text(case.language, "invalid"))]
        return [Reply(client_text(case.language, "saved", field=_label(case.language, field)))]

    # -- facilitators ---------------------------------------------------------------------
    async def on_staff_command(self, user_id: int, command: str, text: str) -> list[Reply] | None:
        """/cases, /handover, /web for registered facilitators; None for anyone else."""

        def work(session: Session) -> list[Reply] | None:
            person = callbacks.facilitator(session, user_id)
            if person is None:
                return None
            lang = person.ui_language
            if command == "cases":
                mine = own_cases(session, person)
                if not mine:
                    return [Reply(staff_text(lang, "cases_empty"))]
                lines = [staff_text(lang, "cases_header")] + [
                    staff_text(
                        lang,
                        "cases_line",
                        reference=c.reference,
                        region=c.region,
                        date=(c.consent_at or c.created_at).strftime("%d.%m.%Y"),
                    )
                    for c in mine
                ]
                return [Reply("\n".join(lines))]
            if command == "web":
                settings = load_settings()
                base = (
                    settings.workspace_url or f"http://{settings.admin_host}:{settings.admin_port}"
                )
                token = access.new_login_link(session, person)
                return [Reply(staff_text(lang, "web_link", url=f"{base}/workspace/login/{token}"))]
            return [Reply(self._handover(session, person, text))]

        replies = await in_session(work)
        if self.gateway.after_turn is not None:
            self.gateway.after_turn()
        return replies

    def _handover(self, session: Session, person: object, text: str) -> str:
        from lotse.requests.models import Facilitator

        assert isinstance(person, Facilitator)
        lang = person.ui_language
        args = text.split(maxsplit=2)
        if len(args) < 3 or ":" not in args[2]:
            return staff_text(lang, "handover_usage")
        reference = args[1].upper()
        name, note = args[2].split(":", 1)
        case = next((c for c in own_cases(session, person) if c.reference == reference), None)
        if case is None:
            return staff_text(lang, "handover_refused", reason=reference)
        target = colleague(session, name, case)
        if target is None:
            return staff_text(lang, "handover_refused", reason=name.strip())
        if target.id == case.facilitator_id:
            return staff_text(lang, "handover_already", name=target.display_name)
        try:
            handover(session, case, person, target, note.strip())
        except CaseError as error:
            return staff_text(lang, "handover_refused", reason=str(error))
        access.audit(session, person, "update", "case_file", str(case.id), ["facilitator_id"])
        return staff_text(lang, "handover_done", reference=case.reference, name=target.display_name)


def _language_of(session: Session, chat: Chat) -> str:
    from lotse.conversations import known_languages, reply_language

    chosen, last = known_languages(session, chat.conversation_id)
    return reply_language(chosen, last, chat.language_code)
