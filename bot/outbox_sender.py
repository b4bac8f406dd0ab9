"""Sends the outbox (lotse/requests/outbox.py) through the Bot API: retried until Telegram
accepts it.

Runs as a PTB JobQueue job every half second, and right after a turn that may have queued
something (a booking), so a desk sees a new request within a second. 429 waits `retry_after`,
network errors and 5xx back off exponentially, a permanent refusal (blocked, chat not found) is
recorded and not retried. A message is marked sent with Telegram's message id only after Telegram
accepted it; see docs/decisions.md for the one window where a crash could repeat a message.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import metrics
from lotse.buttons import issue_token
from lotse.db import in_session
from lotse.requests.models import OutboxMessage
from lotse.requests.outbox import mark_failed, mark_retry, mark_sent, take_due

log = logging.getLogger(__name__)
ROUND_LIMIT = 200
"""Messages one round sends at most; the next tick (or nudge) sends the rest."""


@dataclass(frozen=True)
class Outgoing:
    id: int
    chat_id: int
    method: str
    edit_message_id: int | None
    text: str
    html: bool
    markup: InlineKeyboardMarkup | None


class OutboxSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._lock = asyncio.Lock()
        self._round: asyncio.Future[int] | None = None
        self.sent = 0

    async def run_once(self) -> int:
        """Send what is due. The round is shielded: stopping the gateway (which cancels jobs)
        never cuts a request to Telegram in half, so a sent message is always recorded."""
        if self._lock.locked():
            return 0
        self._round = asyncio.ensure_future(self._send_due())
        return await asyncio.shield(self._round)

    async def drain(self, _application: object = None) -> None:
        """Wait for the round in flight (PTB's post_stop hook, before the HTTP client closes)."""
        if self._round is not None and not self._round.done():
            await asyncio.wait([self._round], timeout=30)

    async def _send_due(self) -> int:
        """One row claimed right before its own send, until none is due (or a round's worth):
        claiming a batch and sending it slowly let another worker take rows this one still held."""
        async with self._lock:
            done = 0
            while done < ROUND_LIMIT:
                try:
                    ids = await in_session(lambda s: take_due(s, claim=1))
                except Exception:
                    log.exception("outbox: could not read due messages (database unavailable?)")
                    break
                if not ids:
                    break
                await self._deliver(ids[0])
                done += 1
            return done

    def nudge(self) -> None:
        """Send soon, without waiting for the next tick (after a turn that may have booked)."""
        asyncio.get_running_loop().create_task(self.run_once())

    async def job(self, _context: object) -> None:
        await self.run_once()

    async def _deliver(self, message_id: int) -> None:
        outgoing = await in_session(lambda s: _prepare(s, message_id))
        if outgoing is None:
            return
        try:
            if outgoing.method == "edit":
                result = await self.bot.edit_message_text(
                    chat_id=outgoing.chat_id,
                    message_id=outgoing.edit_message_id,
                    text=outgoing.text,
                    parse_mode=ParseMode.HTML if outgoing.html else None,
                    reply_markup=outgoing.markup,
                    disable_web_page_preview=True,
                )
                telegram_id = getattr(result, "message_id", outgoing.edit_message_id)
            else:
                result = await self.bot.send_message(
                    chat_id=outgoing.chat_id,
                    text=outgoing.text,
                    parse_mode=ParseMode.HTML if outgoing.html else None,
                    reply_markup=outgoing.markup,
                    disable_web_page_preview=True,
                )
                telegram_id = result.message_id
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            log.warning("outbox %s: Telegram asks to wait %.0f s", message_id, seconds)
            metrics.OUTBOX_RETRIES.labels("rate_limited").inc()
            error = str(exc)
            await in_session(lambda s: mark_retry(s, message_id, error, seconds))
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                await in_session(lambda s: mark_sent(s, message_id, outgoing.edit_message_id))
                return
            log.error("outbox %s refused by Telegram: %s", message_id, exc)
            metrics.OUTBOX_REFUSED.inc()
            error = str(exc)
            await in_session(lambda s: mark_failed(s, message_id, error))
            return
        except Forbidden as exc:  # the person blocked the bot, or left the group
            log.error("outbox %s refused by Telegram: %s", message_id, exc)
            metrics.OUTBOX_REFUSED.inc()
            error = str(exc)
            await in_session(lambda s: mark_failed(s, message_id, error))
            return
        except (NetworkError, TelegramError) as exc:  # timeouts, 5xx: try again later
            log.warning("outbox %s: %s; will retry", message_id, exc)
            metrics.OUTBOX_RETRIES.labels("network").inc()
            error = str(exc)
            await in_session(lambda s: mark_retry(s, message_id, error))
            return
        await in_session(lambda s: mark_sent(s, message_id, telegram_id))
        self.sent += 1
        metrics.OUTBOX_SENT.inc()


def _prepare(session: Session, message_id: int) -> Outgoing | None:
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != "sending":
        return None
    edit_id = None
    if row.method == "edit" and row.edit_of:
        original = session.get(OutboxMessage, row.edit_of)
        edit_id = original.telegram_message_id if original else None
    markup = None
    if row.buttons:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        b["title"],
                        callback_data=issue_token(
                            session, row.conversation_id, b["title"], b["payload"]
                        ),
                    )
                    for b in buttons_row
                ]
                for buttons_row in row.buttons
            ]
        )
    return Outgoing(row.id, row.chat_id, row.method, edit_id, row.text, row.html, markup)
