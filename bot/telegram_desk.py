"""Telegram handlers for callbacks: /status, the facilitators' commands, desk buttons, contacts,
and the jobs that send the outbox and remind desks."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot import retention
from bot.facilitators import FacilitatorDesk
from bot.outbox_sender import OutboxSender
from lotse import callbacks
from lotse.db import in_session
from lotse.desk import DESK_PREFIX
from lotse.models import utcnow
from lotse.settings import Settings

log = logging.getLogger(__name__)

FACILITATOR_COMMANDS = ("queue", "mine", "end", "skip")


def _gateway(context: ContextTypes.DEFAULT_TYPE):
    return context.application.bot_data["gateway"]


async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.telegram_app import chat_of, send_replies

    await send_replies(update, context, await _gateway(context).on_status(chat_of(update)))


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.telegram_app import chat_of, send_replies

    await send_replies(update, context, await _gateway(context).on_delete_command(chat_of(update)))


async def on_facilitator_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.telegram_app import chat_of, send_replies

    command = (update.effective_message.text or "/").split()[0][1:].split("@")[0]
    replies = await _gateway(context).on_facilitator_command(chat_of(update), command)
    await send_replies(update, context, replies)


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.telegram_app import chat_of, send_replies

    contact = update.effective_message.contact
    own = bool(update.effective_user) and contact.user_id == update.effective_user.id
    replies = await _gateway(context).on_contact(chat_of(update), contact.phone_number, own)
    await send_replies(update, context, replies)


async def on_desk_button(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """[Take] and the other desk buttons: checked against the registry; refusals only to the
    presser (an alert), never into the group."""
    query = update.callback_query
    desk: FacilitatorDesk = context.application.bot_data["desk"]
    answer = await desk.on_desk_button(update.effective_user.id, payload)
    await query.answer(answer.alert, show_alert=bool(answer.alert))
    if not answer.keep_keyboard and query.message is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except Exception:
            log.debug("could not remove the keyboard", exc_info=True)


def is_desk_payload(payload: str | None) -> bool:
    return bool(payload) and str(payload).startswith(DESK_PREFIX)


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


def install(application: Application, settings: Settings) -> OutboxSender:
    """Handlers and jobs of the callback desk; returns the outbox sender."""
    sender = OutboxSender(application.bot)
    application.bot_data["outbox"] = sender
    application.bot_data["settings"] = settings
    application.bot_data["desk"] = FacilitatorDesk(notify=sender.nudge)
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("status", on_status, filters=private))
    application.add_handler(CommandHandler("delete", on_delete, filters=private))
    application.add_handler(
        CommandHandler(list(FACILITATOR_COMMANDS), on_facilitator_command, filters=private)
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.CONTACT, on_contact)
    )
    return sender


def start_jobs(application: Application, settings: Settings) -> None:
    sender: OutboxSender = application.bot_data["outbox"]
    application.job_queue.run_repeating(
        sender.job, interval=settings.outbox_interval_seconds, first=0.2, name="outbox"
    )
    application.job_queue.run_repeating(remind, interval=60, first=30, name="reminders")
    application.job_queue.run_repeating(purge, interval=3600, first=60, name="retention")
