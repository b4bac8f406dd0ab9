"""Secrets never reach a log line or a stored error: the bot token (it is part of every Bot API
URL, so it turns up in exception messages and tracebacks), the webhook secret, the service token
and the admin password are replaced by `<secret>` in the whole formatted record, traceback
included, and in errors stored with an outbox row. Database errors carry no bound parameters
(`hide_parameters` in lotse/db.py), so a phone number being written never shows in an error."""

from __future__ import annotations

import logging

from lotse.settings import Settings, load_settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<secret>"


def secrets_of(settings: Settings) -> list[str]:
    values = (
        settings.telegram_bot_token,
        settings.webhook_secret,
        settings.service_token,
    )
    # the token's secret half alone ("123:ABC" → "ABC") appears in some URLs and reprs
    halves = [v.split(":", 1)[1] for v in values if v and ":" in v]
    return sorted({v for v in (*values, *halves) if v and len(v) >= 6}, key=len, reverse=True)


def redact(text: str, secrets: list[str] | None = None) -> str:
    for secret in secrets if secrets is not None else secrets_of(load_settings()):
        text = text.replace(secret, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes every secret from the whole output."""

    def __init__(self, secrets: list[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def configure(level: int = logging.INFO, settings: Settings | None = None) -> None:
    """The process's logging: one handler on stderr with the redacting formatter."""
    logging.basicConfig(level=level, format=FORMAT)
    formatter = RedactingFormatter(secrets_of(settings or load_settings()))
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
