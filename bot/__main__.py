"""`python -m bot`: the Telegram gateway (or, with --console / without a token, a console chat)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from lotse import logs
from lotse.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    parser.add_argument("--console", action="store_true", help="chat in this terminal")
    args = parser.parse_args(argv)
    settings = load_settings()
    logs.configure(logging.INFO, settings)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # the outbox job runs twice a second: its "Running job" lines would bury everything else
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    if args.console or settings.console_mode:
        from bot.console import run_console

        logging.getLogger().setLevel(logging.WARNING)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_console(settings))
        return 0

    from telegram import Update

    from bot.telegram_app import build_application

    application = build_application(settings)
    if settings.webhook_url:
        if not settings.webhook_secret:
            logging.error("TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL")
            return 2
        # Telegram sends the secret in X-Telegram-Bot-Api-Secret-Token; PTB answers 403 without it.
        # Several workers may run like this behind one URL (see README, scaling out).
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        return 0
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
