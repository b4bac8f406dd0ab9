"""`python -m bot`: the Telegram gateway (or, with --console / without a token, a console chat)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from lotse.settings import load_settings


class RedactToken(logging.Filter):
    """Keep the bot token out of every log line (it appears in Bot API URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = None
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    parser.add_argument("--console", action="store_true", help="chat in this terminal")
    args = parser.parse_args(argv)
    settings = load_settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(settings.telegram_bot_token))
    logging.getLogger("httpx").setLevel(logging.WARNING)

    if args.console or settings.console_mode:
        from bot.console import run_console

        logging.getLogger().setLevel(logging.WARNING)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_console(settings))
        return 0

    from telegram import Update

    from bot.telegram_app import build_application

    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
