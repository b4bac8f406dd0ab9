"""Telegram handlers around callback requests: the desk's buttons ([Take] …) and a shared
contact (the client's number for a callback). Commands go through bot/commands.py."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.accompaniment import AccompanimentDesk, is_accompaniment_payload
from bot.facilitators import FacilitatorDesk
from bot.telegram_io import chat_of, gateway_of, send_replies
from lotse.protocol import DESK_PREFIX

log = logging.getLogger(__name__)


def is_desk_payload(payload: str | None) -> bool:
    """A desk's or companion's button (also a client's [Cancel] of an accompaniment): answered
    to the presser alone."""
    return bool(payload) and (
        str(payload).startswith(DESK_PREFIX) or is_accompaniment_payload(payload)
    )


async def on_desk_button(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """[Take] and the other desk buttons: checked against the registry; refusals only to the
    presser (an alert), never into the group."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:  # a press always has both; nobody to answer otherwise
        return
    if is_accompaniment_payload(payload):
        companions: AccompanimentDesk = context.application.bot_data["accompaniment"]
        conversation = chat_of(update).conversation_id
        answer = await companions.on_button(user.id, conversation, payload)
    else:
        desk: FacilitatorDesk = context.application.bot_data["desk"]
        answer = await desk.on_desk_button(user.id, payload)
    await query.answer(answer.alert, show_alert=bool(answer.alert))
    if not answer.keep_keyboard and query.message is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except Exception:
            log.debug("could not remove the keyboard", exc_info=True)


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.contact is None:  # the filter lets only contacts through
        return
    contact = message.contact
    user = update.effective_user
    own = user is not None and contact.user_id == user.id
    replies = await gateway_of(context).on_contact(chat_of(update), contact.phone_number, own)
    await send_replies(update, context, replies)
