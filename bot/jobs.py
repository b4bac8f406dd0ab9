"""The gateway's repeating jobs (PTB's JobQueue): send the outbox, remind desks of requests
nobody took, and apply retention."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import ContextTypes

from bot import retention
from bot.outbox_sender import OutboxSender
from bot.telegram_types import LotseApplication
from lotse.cases import reminders, routing
from lotse.db import in_session
from lotse.models import utcnow
from lotse.requests import callbacks
from lotse.settings import Settings

log = logging.getLogger(__name__)


async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
    settings: Settings = context.application.bot_data["settings"]
    sender: OutboxSender = context.application.bot_data["outbox"]
    try:
        sent = await in_session(
            lambda s: callbacks.send_reminders(
                s,
                utcnow(),
                timedelta(minutes=settings.callback_remind_minutes),
                timedelta(minutes=settings.callback_escalate_minutes),
            )
        )
    except Exception:
        log.exception("reminders: database unavailable")
        return
    try:  # case work: a case client's request to the desk, plan reminders (lotse/cases)
        wait = timedelta(minutes=settings.callback_remind_minutes / 2)
        sent += await in_session(lambda s: routing.fall_back_to_desk(s, utcnow(), wait))
        sent += await in_session(lambda s: reminders.queue_due(s, utcnow()))
        # language matching: a request nobody who speaks its language took goes to the desk
        round_wait = timedelta(minutes=settings.language_round_minutes)
        sent += await in_session(
            lambda s: routing.post_after_language_round(s, utcnow(), round_wait)
        )
    except Exception:
        log.exception("case reminders: database unavailable")
    if sent:
        sender.nudge()


async def purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Retention, hourly: conversations (their Rasa trackers first) and closed requests past
    LOTSE_RETENTION_DAYS (bot/retention.py)."""
    settings: Settings = context.application.bot_data["settings"]
    try:
        done = await retention.purge(settings, context.application.bot_data["gateway"].rasa)
    except Exception:
        log.exception("retention: database unavailable")
        return
    if any(done.values()):
        log.info("retention: %s", done)


def start(application: LotseApplication, settings: Settings) -> None:
    sender: OutboxSender = application.bot_data["outbox"]
    queue = application.job_queue
    if queue is None:  # PTB without its job-queue extra: nothing would ever send the outbox
        raise RuntimeError("python-telegram-bot[job-queue] is not installed")
    queue.run_repeating(
        sender.job, interval=settings.outbox_interval_seconds, first=0.2, name="outbox"
    )
    queue.run_repeating(
        remind, interval=60, first=settings.reminder_first_seconds, name="reminders"
    )
    queue.run_repeating(purge, interval=3600, first=60, name="retention")
