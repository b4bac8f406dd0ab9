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
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web

from tests.e2e.fake_api_methods import BotApiMethods, _read_params
from tests.e2e.fake_protocol import (
    ERROR_TEXT,
    JSON,
    ApiError,
    SentMessage,
)
from tests.e2e.fake_user import FakeUser


class FakeTelegram(BotApiMethods):
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
