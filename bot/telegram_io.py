"""Between Telegram and the gateway: who wrote (`chat_of`), and how a turn's replies become
Telegram messages (joined by bot/replies.py, HTML where there is markup, one keyboard each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.replies import Chat, Reply, coalesce
from lotse.protocol import telegram_conversation

if TYPE_CHECKING:
    from bot.conversation import Gateway


def chat_of(update: Update) -> Chat:
    user = update.effective_user
    chat = update.effective_chat
    assert chat is not None
    return Chat(
        conversation_id=telegram_conversation(chat.id),
        language_code=user.language_code if user else None,
        user_id=user.id if user and chat.type == ChatType.PRIVATE else None,
    )


def gateway_of(context: ContextTypes.DEFAULT_TYPE) -> Gateway:
    gateway: Gateway = context.application.bot_data["gateway"]  # set in build_application
    return gateway


def markup(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if reply.request_contact:
        button = KeyboardButton(reply.request_contact, request_contact=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if reply.remove_keyboard and not reply.buttons:
        return ReplyKeyboardRemove()
    if not reply.buttons:
        return None
    rows = [
        [InlineKeyboardButton(b.title, callback_data=b.token) for b in row] for row in reply.buttons
    ]
    return InlineKeyboardMarkup(rows)


def keyboard_after_press(
    keyboard: InlineKeyboardMarkup | None, lasting_titles: set[str], pressed: str
) -> InlineKeyboardMarkup | None:
    """A pressed keyboard has done its job, except rows that wait for their own answer (the
    privacy notice's OK, joined to the first answer): those stay until they are pressed."""
    if keyboard is None:
        return None
    rows = keyboard.inline_keyboard

    def has(
        row: tuple[InlineKeyboardButton, ...], test: Callable[[InlineKeyboardButton], bool]
    ) -> bool:
        return any(test(button) for button in row)

    pressed_lasting = any(
        has(row, lambda b: b.callback_data == pressed and b.text in lasting_titles) for row in rows
    )
    if pressed_lasting:  # the OK itself: the answer's own buttons stay
        kept = [row for row in rows if not has(row, lambda b: b.callback_data == pressed)]
    else:
        kept = [row for row in rows if has(row, lambda b: b.text in lasting_titles)]
    return InlineKeyboardMarkup(kept) if kept else None


async def send_to(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply]) -> None:
    for reply in coalesce(replies):
        await context.bot.send_message(
            chat_id=chat_id,
            text=reply.html or reply.text,
            parse_mode=ParseMode.HTML if reply.html else None,
            reply_markup=markup(reply),
            disable_web_page_preview=True,
        )


async def send_replies(
    update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]
) -> None:
    assert update.effective_chat is not None
    await send_to(context, update.effective_chat.id, replies)
