"""Updates of one chat stay in order; different chats run concurrently."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.ordering import PerChatUpdateProcessor


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(id=chat_id, type="private")
    return Update(update_id, message=Message(update_id, date=None, chat=chat, text="x"))


async def test_one_chat_in_order_other_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor(16)
    log: list[tuple[str, int, str]] = []
    release = asyncio.Event()

    async def handle(name: str, chat_id: int, wait: bool) -> None:
        log.append((name, chat_id, "start"))
        if wait:
            await release.wait()
        log.append((name, chat_id, "end"))

    first = asyncio.create_task(processor.process_update(update(1, 1), handle("a1", 1, True)))
    second = asyncio.create_task(processor.process_update(update(2, 1), handle("a2", 1, False)))
    other = asyncio.create_task(processor.process_update(update(3, 2), handle("b1", 2, False)))
    await asyncio.wait_for(other, 60)  # chat 2 is not held up by chat 1
    assert ("a2", 1, "start") not in log  # chat 1's second message waits for its first
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 60)
    chat1 = [entry for entry in log if entry[1] == 1]
    assert chat1 == [("a1", 1, "start"), ("a1", 1, "end"), ("a2", 1, "start"), ("a2", 1, "end")]
    assert processor._locks == {}  # no lock is kept for idle chats
