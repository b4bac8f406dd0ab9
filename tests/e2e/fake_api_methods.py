"""The Bot API methods the fake implements, as a mixin of FakeTelegram (which holds the state)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiohttp import web

from tests.e2e.fake_protocol import (
    JSON,
    NOT_MODIFIED,
    ApiError,
    SentMessage,
    _decode,
    _flag,
    _HtmlText,
)


class BotApiMethods:
    """getMe, getUpdates, sendMessage, edits, callbacks, commands, webhooks."""

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
    def _text(params: JSON) -> JSON:
        """`text` as users see it, and the `entities` Telegram derives from HTML markup."""
        text, entities = str(params.get("text", "")), []
        if str(params.get("parse_mode", "")).upper() == "HTML":
            parser = _HtmlText()
            parser.feed(text)
            parser.close()
            text, entities = "".join(parser.parts), parser.entities
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return {"text": text, **({"entities": entities} if entities else {})}

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
        fields: JSON = self._text(params)
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
        return self._edit(params, self._text(params))

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
