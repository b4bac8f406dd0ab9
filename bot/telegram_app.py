"""python-telegram-bot Application: small handlers that translate between Telegram and Gateway."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import health_server, telegram_desk
from bot.aiohttp_request import AiohttpRequest
from bot.conversation import Chat, Gateway, Reply
from bot.flood import FloodLimit, Verdict
from bot.ordering import PerChatUpdateProcessor
from bot.rasa_client import RasaClient
from lotse import DEFAULT_LANGUAGE, LANGUAGES
from lotse.settings import Settings

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "language", "status", "delete")


def chat_of(update: Update) -> Chat:
    user = update.effective_user
    return Chat(
        conversation_id=f"tg:{update.effective_chat.id}",
        language_code=user.language_code if user else None,
        user_id=user.id if user and update.effective_chat.type == ChatType.PRIVATE else None,
    )


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


async def send_to(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        await context.bot.send_message(
            chat_id=chat_id,
            text=reply.html or reply.text,
            parse_mode=ParseMode.HTML if reply.html else None,
            reply_markup=markup(reply),
            disable_web_page_preview=True,
        )


async def send_replies(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]):
    await send_to(context, update.effective_chat.id, replies)


def gateway_of(context: ContextTypes.DEFAULT_TYPE) -> Gateway:
    return context.application.bot_data["gateway"]


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    location = update.effective_message.location
    replies = await gateway_of(context).on_location(
        chat_of(update), location.latitude, location.longitude
    )
    await send_replies(update, context, replies)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_replies(update, context, await gateway_of(context).on_start(chat_of(update)))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_replies(update, context, await gateway_of(context).on_help(chat_of(update)))


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_replies(
        update, context, await gateway_of(context).on_language_command(chat_of(update))
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text (or a corrected, edited text). A burst of messages is answered once, at its end."""
    chat = chat_of(update)
    text = update.effective_message.text or ""
    gateway = gateway_of(context)
    flood: FloodLimit = context.application.bot_data["flood"]
    verdict = flood.check(chat.conversation_id, text)
    if verdict is Verdict.HOLD:
        return
    if verdict is Verdict.WARN:
        await send_replies(update, context, [await gateway.text_reply(chat, "slow_down")])
        context.job_queue.run_once(
            answer_held, flood.per_seconds, data=(chat, update.effective_chat.id)
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
        and bool(message.text)
        and not message.text.startswith("/")
    )
    chat = update.effective_chat
    if update.effective_user is None or is_text or chat is None or chat.type != ChatType.PRIVATE:
        return
    flood: FloodLimit = context.application.bot_data["update_flood"]
    verdict = flood.check(f"tg:{update.effective_user.id}", None)
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
    chat, chat_id = context.job.data
    text = context.application.bot_data["flood"].release(chat.conversation_id)
    if text:
        await send_to(context, chat_id, await gateway_of(context).on_text(chat, text))


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_replies(update, context, await gateway_of(context).on_non_text(chat_of(update)))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_replies(
        update, context, await gateway_of(context).on_unknown_command(chat_of(update))
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat = chat_of(update)
    try:
        payload = await gateway_of(context).redeem(chat, query.data or "")
    except Exception:
        payload = None  # the gateway answers "unavailable" below
    if telegram_desk.is_desk_payload(payload):
        await telegram_desk.on_desk_button(update, context, str(payload))
        return
    await query.answer()
    if query.message is not None:  # the keyboard has done its job: remove it, keep the text
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except Exception:  # an old message may no longer be editable; not worth failing for
            log.debug("could not remove the keyboard", exc_info=True)
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # a stale or forged press in a group: nothing to say there
    replies = await gateway_of(context).on_button(chat, query.data or "")
    await send_replies(update, context, replies)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update", exc_info=context.error)


async def announce_ready(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs once the application has started polling; `lotse run` waits for this line."""
    log.info("Lotse gateway ready (Bot API at %s)", context.bot.base_url.rsplit("/bot", 1)[0])


async def post_init(application: Application) -> None:
    """Register the command menu in every language (Telegram picks by the user's app language)."""
    texts = application.bot_data["gateway"].texts
    for language in LANGUAGES:
        commands = [BotCommand(c, texts.get(language, f"command_{c}")) for c in COMMANDS]
        code = None if language == DEFAULT_LANGUAGE else language
        await application.bot.set_my_commands(commands, language_code=code)
    telegram_desk.start_jobs(application, application.bot_data["settings"])
    application.bot_data["health_server"] = await health_server.start(
        application.bot_data["settings"], application.bot_data["gateway"].rasa
    )
    application.job_queue.run_once(announce_ready, 0)


async def post_stop(application: Application) -> None:
    """Let a message being sent finish before the HTTP client closes (no half-sent outbox)."""
    await application.bot_data["outbox"].drain()


async def post_shutdown(application: Application) -> None:
    if application.bot_data.get("health_server") is not None:
        await application.bot_data["health_server"].cleanup()
    await application.bot_data["gateway"].rasa.close()


def build_application(settings: Settings) -> Application:
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
    sender = telegram_desk.install(application, settings)
    application.bot_data["gateway"] = Gateway(
        RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.service_token),
        desk=application.bot_data["desk"],
        after_turn=sender.nudge,
    )
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, limit_every_update), group=-1)
    application.add_handler(CommandHandler("start", on_start, filters=private))
    application.add_handler(CommandHandler("help", on_help, filters=private))
    application.add_handler(CommandHandler("language", on_language, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
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


__all__ = ["ChatType", "build_application"]
