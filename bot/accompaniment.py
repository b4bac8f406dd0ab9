"""The accompaniment buttons (`@acc:`): [I'll go] and [Give back] for facilitators and
volunteers, [took place / did not] after the date, and the client's [Cancel]. Every press is
checked against the registry and the request's region (a button's token proves nothing), and
answered to the presser alone; messages to others go through the outbox."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.facilitators import DeskAnswer
from lotse.accompaniment import offering, requests
from lotse.accompaniment.models import Accompaniment
from lotse.accompaniment.texts import client_text, desk_text
from lotse.db import in_session
from lotse.protocol import ACCOMPANY_PREFIX

log = logging.getLogger(__name__)


def parse(payload: str) -> tuple[str, int, str]:
    parts = payload.removeprefix(ACCOMPANY_PREFIX).split(":")
    action = parts[0] if parts else ""
    request_id = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return action, request_id, parts[2] if len(parts) > 2 else ""


def is_accompaniment_payload(payload: str | None) -> bool:
    return bool(payload) and str(payload).startswith(ACCOMPANY_PREFIX)


class AccompanimentDesk:
    def __init__(self, notify: object = None) -> None:
        self.notify = notify  # called after changes that queued outbox messages

    async def on_button(self, user_id: int, conversation_id: str, payload: str) -> DeskAnswer:
        action, request_id, extra = parse(payload)

        def work(session: Session) -> DeskAnswer:
            request = session.get(Accompaniment, request_id)
            if request is None:
                return DeskAnswer(alert=desk_text("de", "gone"), keep_keyboard=False)
            if action == "cancel":
                return self._cancel(session, request, conversation_id)
            return self._companion(session, request, user_id, action, extra)

        answer = await in_session(work)
        if callable(self.notify):
            self.notify()
        return answer

    def _cancel(self, session: Session, request: Accompaniment, conversation_id: str) -> DeskAnswer:
        language = request.language
        if requests.cancel_by_client(session, conversation_id, request.id) is None:
            return DeskAnswer(alert=client_text(language, "gone"), keep_keyboard=False)
        text = client_text(language, "cancelled", reference=request.reference)
        return DeskAnswer(alert=text, keep_keyboard=False)

    def _companion(
        self, session: Session, request: Accompaniment, user_id: int, action: str, extra: str
    ) -> DeskAnswer:
        who = requests.companion(session, user_id, request)
        holder = request.companion_telegram_id == user_id
        if who is None and not holder:
            log.warning("refused accompaniment %r on %s by user %s", action, request.id, user_id)
            return DeskAnswer(alert=desk_text("de", "not_allowed"))
        language = who.ui_language if who else "de"
        if action == "take" and who is not None:
            if request.status != "open" or not requests.claim(session, request, who):
                key = "already_taken" if request.status == "claimed" else "gone"
                return DeskAnswer(alert=desk_text(language, key, reference=request.reference))
            return DeskAnswer(keep_keyboard=False)
        if action == "release" and holder:
            if not requests.release(session, request, user_id):
                return DeskAnswer(alert=desk_text(language, "gone"), keep_keyboard=False)
            return DeskAnswer(keep_keyboard=False)
        if action == "outcome" and holder and extra in ("yes", "no"):
            if not requests.record_outcome(session, request, user_id, extra == "yes"):
                return DeskAnswer(alert=desk_text(language, "gone"), keep_keyboard=False)
            text = desk_text(language, "recorded", reference=request.reference)
            return DeskAnswer(alert=text, keep_keyboard=False)
        return DeskAnswer(alert=desk_text(language, "gone"))


async def remind(context: object) -> None:
    """The gateway's job: reminders the day before, the outcome question after the date, and
    requests nobody who speaks the client's language took offered to everyone of the region."""
    from datetime import timedelta

    from lotse.models import utcnow

    application = getattr(context, "application", None)
    settings = getattr(application, "bot_data", {}).get("settings")
    wait = timedelta(minutes=settings.language_round_minutes if settings else 15.0)

    def due(session: Session) -> int:
        return requests.send_due(session, utcnow()) + offering.post_after_round(
            session, utcnow(), wait
        )

    try:
        sent = await in_session(due)
    except Exception:
        log.exception("accompaniment reminders: database unavailable")
        return
    if sent and application is not None:
        application.bot_data["outbox"].nudge()


def start_jobs(application: object) -> None:
    queue = getattr(application, "job_queue", None)
    if queue is not None:
        queue.run_repeating(remind, interval=60, first=45, name="accompaniment")
