"""The user side of the fake Bot API: a person who writes, presses buttons and waits for replies."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tests.e2e.fake_protocol import JSON, ChatRef, _command_entities, inline_buttons

if TYPE_CHECKING:
    from tests.e2e.fake_telegram import FakeTelegram


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
