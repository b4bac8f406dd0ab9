"""python-telegram-bot Application: small handlers that translate between Telegram and Gateway."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import accompaniment, health_server, jobs, request_handlers
from bot.aiohttp_request import AiohttpRequest
from bot.commands import CLIENT_COMMANDS, dispatch
from bot.conversation import Gateway
from bot.facilitators import FacilitatorDesk
from bot.flood import FloodLimit, Verdict
from bot.ordering import PerChatUpdateProcessor
from bot.outbox_sender import OutboxSender
from bot.rasa_client import RasaClient
from bot.replies import Chat
from bot.telegram_io import chat_of, gateway_of, keyboard_after_press, send_replies, send_to
from bot.telegram_types import LotseApplication
from lotse import DEFAULT_LANGUAGE, LANGUAGES
from lotse.protocol import telegram_conversation
from lotse.settings import Settings

log = logging.getLogger(__name__)
UNREADABLE = "\0unreadable"
"""A button whose token could not be looked up (database down)."""


@dataclass(frozen=True)
class HeldMessage:
    """What `answer_held` needs once a burst is over: whom to answer, in which Telegram chat."""

    chat: Chat
    chat_id: int


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    location = message.location if message is not None else None
    if location is None:  # the filter lets only locations through; an edit may carry none
        return
    replies = await gateway_of(context).on_location(
        chat_of(update), location.latitude, location.longitude
    )
    await send_replies(update, context, replies)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every command, for clients and facilitators, through the one table (bot/commands.py)."""
    message = update.effective_message
    text = (message.text if message is not None else None) or "/"
    await send_replies(update, context, await dispatch(gateway_of(context), chat_of(update), text))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text (or a corrected, edited text). A burst of messages is answered once, at its end."""
    message, telegram_chat = update.effective_message, update.effective_chat
    if message is None or telegram_chat is None:
        return
    chat = chat_of(update)
    text = message.text or ""
    gateway = gateway_of(context)
    flood: FloodLimit = context.application.bot_data["flood"]
    verdict = flood.check(chat.conversation_id, text)
    if verdict is Verdict.HOLD:
        return
    if verdict is Verdict.WARN:
        await send_replies(update, context, [await gateway.text_reply(chat, "slow_down")])
        if context.job_queue is not None:  # without it the burst's last message stays unanswered
            context.job_queue.run_once(
                answer_held, flood.per_seconds, data=HeldMessage(chat, telegram_chat.id)
            )
        return
    await send_replies(update, context, await gateway.on_text(chat, text))


async def limit_every_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons, commands, locations and stickers in a private chat have a flood limit per person
    too (LOTSE_FLOOD_MAX_UPDATES in the same window; texts have theirs in on_text, which answers
    a burst's last one): over it, the update is dropped with one "please wait". Desk groups are
    staff: not limited."""
    message = update.effective_message
    is_text = (
        update.callback_query is None
        and message is not None
        and message.text is not None
        and bool(message.text)
        and not message.text.startswith("/")
    )
    chat = update.effective_chat
    if update.effective_user is None or is_text or chat is None or chat.type != ChatType.PRIVATE:
        return
    flood: FloodLimit = context.application.bot_data["update_flood"]
    verdict = flood.check(telegram_conversation(update.effective_user.id), None)
    if verdict is Verdict.ALLOW:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if verdict is Verdict.WARN:
        reply = await gateway_of(context).text_reply(chat_of(update), "slow_down_wait")
        await send_replies(update, context, [reply])
    raise ApplicationHandlerStop


async def answer_held(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The burst is over: answer the last message held back."""
    job = context.job
    if job is None or not isinstance(job.data, HeldMessage):
        return
    chat, chat_id = job.data.chat, job.data.chat_id
    text = context.application.bot_data["flood"].release(chat.conversation_id)
    if text:
        await send_to(context, chat_id, await gateway_of(context).on_text(chat, text))


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_replies(update, context, await gateway_of(context).on_non_text(chat_of(update)))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed button: its token is redeemed once here; desk buttons go to the desk, the
    rest to the gateway."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    chat = chat_of(update)
    gateway = gateway_of(context)
    try:
        payload = await gateway.redeem(chat, query.data or "")
    except Exception:  # the database is down: say so below, never stay silent
        log.exception("could not look up a button")
        payload = UNREADABLE
    if request_handlers.is_desk_payload(payload):
        await request_handlers.on_desk_button(update, context, str(payload))
        return
    await query.answer()
    if query.message is not None:  # the keyboard has done its job; rows still waiting stay
        keyboard = getattr(query.message, "reply_markup", None)
        lasting = context.application.bot_data["lasting_titles"]
        try:
            await query.edit_message_reply_markup(
                reply_markup=keyboard_after_press(keyboard, lasting, query.data or "")
            )
        except Exception:  # an old message may no longer be editable; not worth failing for
            log.debug("could not change the keyboard", exc_info=True)
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # a stale or forged press in a group: nothing to say there
    if payload is UNREADABLE:
        replies = [await gateway.text_reply(chat, "unavailable")]
    else:
        replies = await gateway.on_payload(chat, payload)
    await send_replies(update, context, replies)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update", exc_info=context.error)


async def announce_ready(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs once the application has started polling; `lotse run` waits for this line."""
    log.info("Lotse gateway ready (Bot API at %s)", context.bot.base_url.rsplit("/bot", 1)[0])


async def post_init(application: LotseApplication) -> None:
    """Register the command menu in every language (Telegram picks by the user's app language)."""
    texts = application.bot_data["gateway"].texts
    for language in LANGUAGES:
        commands = [
            BotCommand(c.name, texts.get(language, f"command_{c.name}")) for c in CLIENT_COMMANDS
        ]
        code = None if language == DEFAULT_LANGUAGE else language
        await application.bot.set_my_commands(commands, language_code=code)
    jobs.start(application, application.bot_data["settings"])
    accompaniment.start_jobs(application)
    application.bot_data["health_server"] = await health_server.start(
        application.bot_data["settings"], application.bot_data["gateway"].rasa
    )
    if application.job_queue is None:  # `lotse run` would wait for the ready line in vain
        raise RuntimeError("python-telegram-bot[job-queue] is not installed")
    application.job_queue.run_once(announce_ready, 0)


async def post_stop(application: LotseApplication) -> None:
    """Let a message being sent finish before the HTTP client closes (no half-sent outbox)."""
    await application.bot_data["outbox"].drain()


async def post_shutdown(application: LotseApplication) -> None:
    if application.bot_data.get("health_server") is not None:
        await application.bot_data["health_server"].cleanup()
    await application.bot_data["gateway"].rasa.close()


def build_application(settings: Settings) -> LotseApplication:
    api = settings.telegram_api_base_url
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .request(AiohttpRequest(connections=256))  # bot/aiohttp_request.py: why not httpx
        .get_updates_request(AiohttpRequest(connections=1))
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.telegram_messages_per_second,  # 0: no overall limit
                max_retries=3,
            )
        )
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data["flood"] = FloodLimit(
        settings.flood_max_messages, settings.flood_window_seconds
    )
    application.bot_data["update_flood"] = FloodLimit(
        settings.flood_max_updates, settings.flood_window_seconds
    )
    sender = OutboxSender(application.bot)
    desk = FacilitatorDesk(notify=sender.nudge)
    companions = accompaniment.AccompanimentDesk(notify=sender.nudge)
    gateway = Gateway(
        RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.service_token),
        desk=desk,
        after_turn=sender.nudge,
    )
    application.bot_data.update(
        settings=settings,
        outbox=sender,
        desk=desk,
        accompaniment=companions,
        gateway=gateway,
        lasting_titles={gateway.texts.get(lang, "privacy_ok") for lang in LANGUAGES},
    )
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, limit_every_update), group=-1)
    application.add_handler(MessageHandler(private & filters.COMMAND, on_command))
    application.add_handler(
        MessageHandler(
            private & filters.UpdateType.MESSAGE & filters.CONTACT, request_handlers.on_contact
        )
    )
    application.add_handler(
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGES, on_text
        )
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.LOCATION, on_location)
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.TEXT, on_non_text)
    )
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application
