"""Shared pieces of the fake Bot API: types, errors, and how Telegram encodes things."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from typing import Any, NamedTuple

JSON = dict[str, Any]
ChatRef = JSON | int | None
# Tags Telegram accepts with parse_mode=HTML; anything else is a 400 there, so here too.
HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
ERROR_TEXT = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answered in Telegram's shape, so PTB maps it to the same exception as live."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class SentMessage(NamedTuple):
    """A bot message with the ``time.monotonic()`` of its arrival, for latency benchmarks."""

    at: float
    chat_id: int
    message: JSON


ENTITY_TYPES = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "a": "text_link"}


class _HtmlText(HTMLParser):
    """Strips Telegram HTML like the server does, so tests assert on the text users see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.entities: list[JSON] = []
        self._open: list[tuple[str, int, dict[str, str | None]]] = []

    def _offset(self) -> int:  # Telegram counts UTF-16 code units
        return len("".join(self.parts).encode("utf-16-le")) // 2

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )
        self._open.append((tag, self._offset(), dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected end tag {tag}")
        _, start, attrs = self._open.pop()
        if tag in ENTITY_TYPES and self._offset() > start:
            entity: JSON = {
                "type": ENTITY_TYPES[tag],
                "offset": start,
                "length": self._offset() - start,
            }
            if tag == "a":
                entity["url"] = attrs.get("href") or ""
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _decode(value: Any) -> Any:
    """Form bodies carry nested objects (reply_markup, commands, ...) as JSON strings."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _flag(value: Any) -> bool:
    return value in (True, 1, "true", "True", "1")


def _command_entities(text: str) -> list[JSON]:
    """A leading ``/word`` is a bot_command entity; PTB's CommandHandler relies on it."""
    if not text.startswith("/"):
        return []
    word = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(word.encode("utf-16-le")) // 2}]


def inline_buttons(message: JSON) -> list[list[tuple[str, str]]]:
    """(text, callback_data) per inline button; link buttons give their url instead."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [[(b["text"], b.get("callback_data", b.get("url", ""))) for b in row] for row in rows]


def message_update(user: JSON, update_id: int, text: str) -> JSON:
    """A private text message as Telegram posts it to a webhook (a command gets its entity)."""
    message: JSON = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": update_id, "message": message}
