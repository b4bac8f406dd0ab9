"""The python-telegram-bot types of Lotse's application, spelled once for the type checker:
the bot is rate-limited (AIORateLimiter), everything else is PTB's default."""

from __future__ import annotations

from typing import Any, TypeAlias

from telegram.ext import Application, ContextTypes, ExtBot, JobQueue

LotseApplication: TypeAlias = Application[
    ExtBot[int],  # AIORateLimiter: a request's own max_retries
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]
