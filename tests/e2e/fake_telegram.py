"""Fake Telegram Bot API server on loopback, for end-to-end tests of Lotse.

Why: CI cannot reach api.telegram.org, and the npm ``telegram-test-api`` does not work with
python-telegram-bot 22. This fake speaks the part of the Bot API that Lotse uses over real HTTP,
so PTB's own request and parsing code runs unchanged. Anything it does not implement fails
loudly (HTTP 404 and ``unknown_methods``) instead of silently "working".

Manual use: ``python -m tests.e2e.fake_telegram --port 8081``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, NamedTuple, Self

from aiohttp import web

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


class _HtmlText(HTMLParser):
    """Strips Telegram HTML like the server does, so tests assert on the text users see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )

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


class FakeTelegram:
    """The fake Bot API server plus its recorded state; use as ``async with FakeTelegram()``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "lotse_test_bot",
        bot_name: str = "Lotse",
    ) -> None:
        self.host, self.port, self.token = host, port, token
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.calls: list[tuple[str, JSON]] = []  # every request: (method, decoded params)
        self.errors: list[tuple[str, JSON]] = []  # every error answered: (method, error body)
        self.unknown_methods: list[str] = []
        self.callback_answers: list[JSON] = []
        self.chat_actions: list[JSON] = []
        self.deleted: list[tuple[int, int]] = []  # (chat_id, message_id)
        self.sent: list[SentMessage] = []
        self.updates: list[tuple[float, JSON]] = []  # (monotonic time enqueued, update)
        self.delivered: list[int] = []  # update ids as handed out by getUpdates, in order
        self.webhook: JSON | None = None
        self.allowed_updates: set[str] | None = None
        self.commands: dict[str, list[JSON]] = {}  # key: JSON of [scope, language_code]
        self.reply_keyboards: dict[int, JSON | None] = {}  # chat_id -> last ReplyKeyboardMarkup
        self._pending: list[JSON] = []
        self._chats: dict[int, JSON] = {}
        self._users: dict[int, FakeUser] = {}
        self._messages: dict[tuple[int, int], JSON] = {}  # current versions, edits applied
        self._bot_log: dict[int, list[JSON]] = {}  # chat_id -> bot messages as sent
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._open_queries: set[str] = set()
        self._faults: dict[str, list[ApiError]] = {}
        self._changed = asyncio.Condition()
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, Callable[..., Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup,
            "answerCallbackQuery": self._answer_callback,
            "deleteMessage": self._delete,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._webhook_info,
            "setMyCommands": self._set_commands,
            "getMyCommands": self._get_commands,
            "deleteMyCommands": self._delete_commands,
            "sendChatAction": self._chat_action,
            "close": self._true,
            "logOut": self._true,
        }
        self._canonical = {name.lower(): name for name in self._methods}

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What the app gets as TELEGRAM_API_BASE_URL (PTB: ``base_url=f"{base_url}/bot"``)."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._no_files)
        app.router.add_post("/fake/send", self._control_send)
        app.router.add_get("/fake/messages", self._control_messages)
        self._closing = False
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=2.0
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._closing = True  # releases long polls at once instead of after their timeout
        await self._notify()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- test-side API ---------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        language_code: str = "de",
        username: str | None = None,
    ) -> FakeUser:
        """The user with this id (created once; its private chat id is ``user_id``)."""
        if user_id not in self._users:
            user: JSON = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name,
                "language_code": language_code,
            }
            chat: JSON = {"id": user_id, "type": "private", "first_name": first_name}
            if username:
                user["username"] = chat["username"] = username
            self._chats[user_id] = chat
            self._users[user_id] = FakeUser(self, user)
        return self._users[user_id]

    def group(self, chat_id: int, title: str = "Test Group", chat_type: str = "group") -> JSON:
        """Registers a group chat (negative id) that users can ``send(..., chat=group)`` to."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        return self._chats.setdefault(chat_id, {"id": chat_id, "type": chat_type, "title": title})

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` fail with ``status`` and store nothing."""
        name = self._canonical.get(method.lower())
        if name is None:
            raise ValueError(f"fake Bot API does not implement {method}")
        if status == 429:
            error = ApiError(
                429,
                description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        else:
            error = ApiError(status, description or ERROR_TEXT.get(status, "Error"))
        self._faults.setdefault(name, []).extend([error] * count)

    def messages(self, chat_id: int) -> list[JSON]:
        """Current versions (edits applied, deleted ones left out) of bot messages in a chat."""
        return [
            m
            for m in (
                self._messages.get((chat_id, s["message_id"]))
                for s in self._bot_log.get(chat_id, [])
            )
            if m is not None
        ]

    async def wait_until(
        self,
        predicate: Callable[[], Any],
        timeout: float = 10.0,
        what: str | Callable[[], str] = "condition",
    ) -> None:
        """Event-driven wait: re-checks ``predicate`` whenever the fake's state changes."""
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    await self._changed.wait_for(predicate)
            except TimeoutError:
                detail = what() if callable(what) else what
                raise TimeoutError(
                    f"fake Telegram: waited {timeout}s for {detail}; "
                    f"errors answered: {self.errors[-5:]}"
                ) from None

    # --- HTTP plumbing -----------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        params = await _read_params(request)
        method = self._canonical.get(name.lower())
        self.calls.append((method or name, params))
        await self._notify()  # lets tests wait for "the bot has called X"
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if method is None:
                self.unknown_methods.append(name)
                raise ApiError(404, f"Not Found: fake Bot API does not implement {name}")
            if self._faults.get(method):
                raise self._faults[method].pop(0)
            # getUpdates, the one long-polling method, needs to see whether the client is gone
            args = (params, request) if method == "getUpdates" else (params,)
            result = self._methods[method](*args)
            if asyncio.iscoroutine(result):
                result = await result
            response = web.json_response({"ok": True, "result": result})
        except ApiError as error:
            self.errors.append((method or name, error.body()))
            response = web.json_response(error.body(), status=error.code)
        except (KeyError, ValueError, TypeError) as exc:
            error = ApiError(400, f"Bad Request: invalid or missing parameter {exc}")
            self.errors.append((method or name, error.body()))
            response = web.json_response(error.body(), status=400)
        await self._notify()
        return response

    async def _no_files(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found: fake has no files").body(), status=404)

    async def _control_send(self, request: web.Request) -> web.Response:
        """Manual mode: ``curl -d user_id=1 -d text=/start URL/fake/send`` injects a message."""
        params = await _read_params(request)
        message = await self.user(int(params["user_id"])).send(str(params["text"]))
        return web.json_response(message)

    async def _control_messages(self, request: web.Request) -> web.Response:
        return web.json_response(self.messages(int(request.query["chat_id"])))

    # --- Bot API methods ---------------------------------------------------------------------

    def _chat(self, chat_id: Any) -> JSON:
        chat = self._chats.get(int(chat_id)) if str(chat_id).lstrip("-").isdigit() else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _new_message(self, chat: JSON, sender: JSON, fields: JSON) -> JSON:
        ids = self._message_ids.setdefault(chat["id"], itertools.count(1))
        message = {
            "message_id": next(ids),
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            **fields,
        }
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _stored(self, params: JSON, action: str = "edit") -> JSON:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self._messages:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        return self._messages[key]

    @staticmethod
    def _text(params: JSON) -> str:
        text = str(params.get("text", ""))
        if str(params.get("parse_mode", "")).upper() == "HTML":
            parser = _HtmlText()
            parser.feed(text)
            parser.close()
            text = "".join(parser.parts)
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _true(self, params: JSON) -> bool:
        return True

    def _get_me(self, params: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: JSON, request: web.Request) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if isinstance(params.get("allowed_updates"), list):  # persists, like Telegram
            self.allowed_updates = set(params["allowed_updates"]) or None
        offset = int(params.get("offset", 0))
        if offset > 0:  # confirms (drops) every update below offset, like Telegram
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            if self.allowed_updates:  # Telegram drops update kinds the bot did not ask for
                self._pending = [u for u in self._pending if self.allowed_updates & u.keys()]
            return bool(self._pending) or self._closing or generation != self._poll_generation

        async with self._changed:
            try:
                async with asyncio.timeout(float(params.get("timeout", 0))):
                    await self._changed.wait_for(ready)
            except TimeoutError:
                pass
        if request.transport is None or request.transport.is_closing():
            return []  # the client gave up (e.g. PTB stopping): nothing is delivered
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure "
                "that only one bot instance is running",
            )
        batch = self._pending[: max(1, min(100, int(params.get("limit", 100))))]
        self.delivered.extend(u["update_id"] for u in batch)
        return batch

    def _send_message(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        fields: JSON = {"text": self._text(params)}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            fields["reply_markup"] = markup  # Message.reply_markup only carries inline keyboards
        elif isinstance(markup, dict) and ("keyboard" in markup or "remove_keyboard" in markup):
            self.reply_keyboards[chat["id"]] = markup if "keyboard" in markup else None
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_id and (chat["id"], int(reply_id)) in self._messages:
            fields["reply_to_message"] = self._messages[(chat["id"], int(reply_id))]
        message = self._new_message(chat, self.bot_user, fields)
        self._bot_log.setdefault(chat["id"], []).append(message)
        self.sent.append(SentMessage(time.monotonic(), chat["id"], message))
        return message

    def _edit(self, params: JSON, changes: JSON) -> JSON | bool:
        if params.get("inline_message_id"):
            return True
        old = self._stored(params)
        if old["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        new = {k: v for k, v in old.items() if k != "reply_markup"} | changes
        markup = params.get("reply_markup")  # omitting it removes the keyboard, like Telegram
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            new["reply_markup"] = markup
        if {**new, "edit_date": None} == {**old, "edit_date": None}:
            raise ApiError(400, NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        self._messages[(old["chat"]["id"], old["message_id"])] = new
        return new

    def _edit_text(self, params: JSON) -> JSON | bool:
        return self._edit(params, {"text": self._text(params)})

    def _edit_markup(self, params: JSON) -> JSON | bool:
        return self._edit(params, {})

    def _answer_callback(self, params: JSON) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": params.get("text"),
                "show_alert": _flag(params.get("show_alert")),
                "url": params.get("url"),
            }
        )
        return True

    def _delete(self, params: JSON) -> bool:
        message = self._stored(params, "delete")
        key = (message["chat"]["id"], message["message_id"])
        del self._messages[key]
        self.deleted.append(key)
        return True

    def _set_webhook(self, params: JSON) -> bool:
        self.webhook = params
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self.webhook = None
        if _flag(params.get("drop_pending_updates")):
            self._pending.clear()
        return True

    def _webhook_info(self, params: JSON) -> JSON:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    @staticmethod
    def _commands_key(params: JSON) -> str:
        return json.dumps(
            [params.get("scope") or {"type": "default"}, params.get("language_code") or ""],
            sort_keys=True,
        )

    def _set_commands(self, params: JSON) -> bool:
        self.commands[self._commands_key(params)] = list(params["commands"])
        return True

    def _get_commands(self, params: JSON) -> list[JSON]:
        return self.commands.get(self._commands_key(params), [])

    def _delete_commands(self, params: JSON) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _chat_action(self, params: JSON) -> bool:
        self.chat_actions.append(
            {"chat_id": self._chat(params["chat_id"])["id"], "action": params["action"]}
        )
        return True

    async def _enqueue(self, kind: str, payload: JSON) -> JSON:
        update = {"update_id": next(self._update_ids), kind: payload}
        self._pending.append(update)
        self.updates.append((time.monotonic(), update))
        await self._notify()
        return update


async def _read_params(request: web.Request) -> JSON:
    """Query string, JSON, urlencoded and multipart bodies all become one decoded dict."""
    params: JSON = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            for key, value in (await request.post()).items():
                params[key] = value if isinstance(value, str) else {"filename": value.filename}
    return {key: _decode(value) for key, value in params.items()}


class FakeUser:
    """A Telegram user who sends updates and reads the bot's messages.

    Reading: per chat the user keeps a cursor into the bot's messages there, starting at the
    first one. ``wait_for_messages(n)`` waits until ``n`` messages exist past the cursor,
    returns exactly those (as sent) and moves the cursor past them; sending never moves it.
    """

    def __init__(self, fake: FakeTelegram, user: JSON) -> None:
        self.fake, self.user, self.id = fake, user, int(user["id"])
        self._cursors: dict[int, int] = {}

    def _chat(self, chat: ChatRef) -> JSON:
        chat_id = self.id if chat is None else chat if isinstance(chat, int) else chat["id"]
        return self.fake._chat(chat_id)

    async def _send(self, fields: JSON, chat: ChatRef) -> JSON:
        message = self.fake._new_message(self._chat(chat), self.user, fields)
        await self.fake._enqueue("message", message)
        return message

    def _file(self, prefix: str, **fields: Any) -> JSON:
        n = next(self.fake._ids)
        return {"file_id": f"{prefix}-file-{n}", "file_unique_id": f"{prefix}{n}", **fields}

    async def send(self, text: str, *, chat: ChatRef = None) -> JSON:
        """Sends a text message (commands get their bot_command entity)."""
        entities = _command_entities(text)
        return await self._send(
            {"text": text, **({"entities": entities} if entities else {})}, chat
        )

    async def send_sticker(self, emoji: str = "👍", *, chat: ChatRef = None) -> JSON:
        sticker = self._file(
            "sticker",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji=emoji,
        )
        return await self._send({"sticker": sticker}, chat)

    async def send_photo(self, caption: str | None = None, *, chat: ChatRef = None) -> JSON:
        sizes = [self._file("photo", width=w, height=w, file_size=w * 40) for w in (90, 800)]
        return await self._send({"photo": sizes, **({"caption": caption} if caption else {})}, chat)

    async def send_voice(self, duration: int = 3, *, chat: ChatRef = None) -> JSON:
        voice = self._file(
            "voice", duration=duration, mime_type="audio/ogg", file_size=duration * 4000
        )
        return await self._send({"voice": voice}, chat)

    async def send_document(
        self,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        *,
        chat: ChatRef = None,
    ) -> JSON:
        document = self._file("doc", file_name=file_name, mime_type=mime_type, file_size=1234)
        return await self._send({"document": document}, chat)

    async def send_contact(self, phone: str, *, chat: ChatRef = None) -> JSON:
        contact = {"phone_number": phone, "first_name": self.user["first_name"], "user_id": self.id}
        return await self._send({"contact": contact}, chat)

    async def send_location(self, lat: float, lon: float, *, chat: ChatRef = None) -> JSON:
        return await self._send({"location": {"latitude": lat, "longitude": lon}}, chat)

    async def edit(self, message: JSON, new_text: str) -> JSON:
        """Edits one of the user's own messages (an ``edited_message`` update)."""
        edited = {**message, "text": new_text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        if entities := _command_entities(new_text):
            edited["entities"] = entities
        self.fake._messages[(message["chat"]["id"], message["message_id"])] = edited
        await self.fake._enqueue("edited_message", edited)
        return edited

    async def press(
        self,
        button_text: str | None = None,
        *,
        callback_data: str | None = None,
        message: JSON | None = None,
        chat: ChatRef = None,
    ) -> JSON:
        """Presses an inline button (latest bot message having it) or sends forged data."""
        if button_text is None and callback_data is None:
            raise ValueError("press() needs button_text or callback_data")
        chat_id = message["chat"]["id"] if message else self._chat(chat)["id"]
        if message is not None:
            current = self.fake._messages.get((chat_id, message["message_id"]))
            candidates = [current] if current else []
        else:
            candidates = list(reversed(self.fake.messages(chat_id)))
        target, data = None, callback_data
        for candidate in candidates:
            found = [
                b
                for row in inline_buttons(candidate)
                for b in row
                if button_text is None or b[0] == button_text
            ]
            if found or (button_text is None and message is not None):
                target, data = candidate, data if data is not None else found[0][1]
                break
        if target is None and button_text is None and candidates:
            target = candidates[0]  # forged data on the latest message, keyboard or not
        if target is None:
            seen = [inline_buttons(m) for m in candidates]
            raise LookupError(f"no inline button {button_text!r} in chat {chat_id}: {seen}")
        query = {
            "id": str(next(self.fake._ids)),
            "from": self.user,
            "chat_instance": f"instance-{chat_id}",
            "data": data,
            "message": target,
        }
        self.fake._open_queries.add(query["id"])
        await self.fake._enqueue("callback_query", query)
        return query

    async def wait_for_messages(
        self, count: int = 1, timeout: float = 10.0, *, chat: ChatRef = None
    ) -> list[JSON]:
        """Waits for ``count`` bot messages past this chat's cursor and advances it."""
        chat_id = self._chat(chat)["id"]
        log = self.fake._bot_log.setdefault(chat_id, [])
        start = self._cursors.get(chat_id, 0)
        await self.fake.wait_until(
            lambda: len(log) >= start + count,
            timeout,
            lambda: (
                f"{count} new bot message(s) in chat {chat_id}, got "
                f"{[m.get('text') for m in log[start:]]}"
            ),
        )
        self._cursors[chat_id] = start + count
        return log[start : start + count]

    async def wait_for_reply(self, timeout: float = 10.0, *, chat: ChatRef = None) -> JSON:
        return (await self.wait_for_messages(1, timeout, chat=chat))[0]

    async def wait_for_edit(self, message: JSON, timeout: float = 10.0) -> JSON:
        """Waits until the stored version of ``message`` differs from the given one."""
        key = (message["chat"]["id"], message["message_id"])
        await self.fake.wait_until(
            lambda: self.fake._messages.get(key) != message,
            timeout,
            f"an edit of message {key}: {message.get('text')!r}",
        )
        return self.fake._messages.get(key, {})

    @property
    def messages(self) -> list[JSON]:
        """All bot messages in the private chat, current versions (edits applied)."""
        return self.fake.messages(self.id)

    @property
    def unread(self) -> list[JSON]:
        """Bot messages in the private chat past the cursor, without advancing it."""
        return self.fake._bot_log.get(self.id, [])[self._cursors.get(self.id, 0) :]

    @property
    def keyboard(self) -> list[list[str]]:
        """Texts of the reply keyboard currently shown in the private chat ([] if none)."""
        markup = self.fake.reply_keyboards.get(self.id) or {"keyboard": []}
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in markup["keyboard"]]

    buttons = staticmethod(inline_buttons)


async def _serve(host: str, port: int, token: str) -> None:
    async with FakeTelegram(host=host, port=port, token=token) as fake:
        print(f"base_url={fake.base_url}\ntoken={fake.token}", flush=True)
        print(f"inject: curl -d user_id=1 -d text=/start {fake.base_url}/fake/send", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API for manual testing")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
