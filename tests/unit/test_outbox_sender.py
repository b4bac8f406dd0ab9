"""No message is sent twice by two live gateway workers, even when Telegram answers slowly
(issue 14, item 8): a row is claimed right before its own send, so the staleness window counts
from that moment, not from a batch claim long before."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

from bot.outbox_sender import OutboxSender
from lotse.db import session_scope
from lotse.requests import outbox
from lotse.requests.models import OutboxMessage

SEND_SECONDS = 1.0
STALE = timedelta(seconds=4)
"""A row counts as abandoned STALE after its claim: longer than one send with three seconds to
spare (CI once starved a 0.2-s send past a 0.3-s window and saw a message sent twice), shorter
than the five sends a batch claim would have made the last row wait."""


class SlowBot:
    """A Bot API that takes SEND_SECONDS per message and remembers what it was asked to send."""

    def __init__(self, sent: Counter) -> None:
        self.sent = sent
        self.next_id = 0

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        await asyncio.sleep(SEND_SECONDS)
        self.sent[text] += 1
        self.next_id += 1
        return SimpleNamespace(message_id=self.next_id)


async def test_two_workers_with_a_slow_api_send_each_message_once(db, monkeypatch) -> None:
    monkeypatch.setattr(outbox, "STALE_SENDING", STALE)
    with session_scope(db) as session:
        for n in range(6):
            outbox.enqueue(session, 1000 + n, f"message {n}")
    sent: Counter = Counter()
    first, second = OutboxSender(SlowBot(sent)), OutboxSender(SlowBot(sent))

    async def second_worker_later() -> int:
        # after a batch claimed at the start would count as abandoned, while the first worker
        # is mid-way through its six sends
        await asyncio.sleep(STALE.total_seconds() + SEND_SECONDS / 2)
        return await second.run_once()

    counts = await asyncio.gather(first.run_once(), second_worker_later())
    assert sum(counts) == 6
    assert sent == Counter({f"message {n}": 1 for n in range(6)}), sent
    with session_scope(db) as session:
        statuses = {row.status for row in session.query(OutboxMessage)}
    assert statuses == {"sent"}


def test_a_chats_messages_keep_their_order_when_the_first_needs_a_retry(tmp_path) -> None:
    """A client's "your request was taken" met a 429; the next message to the same chat must
    wait for it, while other chats go on."""
    from lotse.db import session_scope
    from lotse.requests import outbox
    from lotse.runtime import migrate
    from tests.conftest import fresh_database_url

    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    with session_scope(url) as s:
        first = outbox.enqueue(s, 42, "taken").id
        second = outbox.enqueue(s, 42, "consent?").id
        other = outbox.enqueue(s, 77, "hello").id
    with session_scope(url) as s:
        [taken] = outbox.take_due(s, claim=1)
        assert taken == first
        outbox.mark_retry(s, first, "429", retry_after=30)
    with session_scope(url) as s:
        due = outbox.take_due(s)
        assert due == [other]  # chat 42 waits for its first message
    with session_scope(url) as s:
        outbox.mark_sent(s, first, 1)  # (as if its retry went through)
        assert outbox.take_due(s) == [second]
