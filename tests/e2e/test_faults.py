"""Faults while Lotse runs: Rasa or the action server stops answering, the database is locked.

Processes are paused with SIGSTOP (and resumed with SIGCONT), which is what a hung or overloaded
process looks like from outside; the gateway gives up on Rasa after its timeout (20 s).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.e2e.conftest import answer, ends_offer_list, replies_until, settle

pytestmark = pytest.mark.e2e

UNAVAILABLE = "Entschuldigung, Lotse ist gerade nicht erreichbar."


def child_pids(parent: int, marker: str) -> list[int]:
    """The processes below `lotse run` whose command lines contain `marker` (every Rasa
    replica on the scale-out stack)."""
    out = subprocess.run(
        ["ps", "-eww", "-o", "pid=,ppid=,args="], capture_output=True, text=True
    ).stdout
    rows = [line.split(None, 2) for line in out.splitlines() if line.strip()]
    children: dict[int, list[tuple[int, str]]] = {}
    for pid, ppid, args in (r for r in rows if len(r) == 3):
        children.setdefault(int(ppid), []).append((int(pid), args))
    stack, found = [parent], []
    while stack:
        for pid, args in children.get(stack.pop(), []):
            if marker in args:
                found.append(pid)
            else:
                stack.append(pid)
    if not found:
        raise LookupError(marker)
    return found


@contextmanager
def paused(pids: list[int]) -> Iterator[None]:
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


async def test_rasa_stops_mid_conversation_and_comes_back(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich suche eine Wohnung")
    assert "wohnen Sie" in (await user.wait_for_reply(timeout=30))["text"]
    with paused(child_pids(lotse.proc.pid, "nlu.rasa_main run")):
        await user.send("Lörrach")
        reply = await user.wait_for_reply(timeout=60)
        assert reply["text"].startswith(UNAVAILABLE)
        # the way to a person stays open: the gateway can store a callback request itself
        assert reply["reply_markup"]["inline_keyboard"][0][0]["text"].startswith("👤")
    await settle(user, quiet=3)
    await user.send("Ich suche eine Wohnung in Lörrach")  # Rasa is back: the chat goes on
    seen = await replies_until(user, ends_offer_list, timeout=60)
    assert any("Lörrach" in m["text"] for m in seen)


async def test_the_action_server_stops_and_an_emergency_still_gets_the_numbers(
    lotse, new_user
) -> None:
    user = new_user("de")
    with paused(child_pids(lotse.proc.pid, "-m actions")):
        await user.send("Hilfe, mein Mann schlägt mich und droht mich umzubringen")
        reply = await user.wait_for_reply(timeout=60)
        assert "110" in reply["text"] and "116 016" in reply["text"]
    await settle(user, quiet=5)
    await user.send("Ich suche eine Wohnung in Lörrach")
    await replies_until(user, ends_offer_list, timeout=60)


async def test_a_locked_database_delays_but_loses_nothing(lotse, new_user) -> None:
    if not lotse.env["DATABASE_URL"].startswith("sqlite:///"):
        pytest.skip("locks an SQLite file; PostgreSQL's row locks are covered by the claim tests")
    path = lotse.env["DATABASE_URL"].removeprefix("sqlite:///")
    user = new_user("de")
    release = threading.Event()

    def hold_lock() -> None:
        conn = sqlite3.connect(path, timeout=30)
        conn.execute("BEGIN EXCLUSIVE")
        release.wait(20)
        conn.rollback()
        conn.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        await asyncio.sleep(0.5)
        await user.send("Ich suche eine Wohnung in Lörrach")
        replies = await answer(user, quiet=5, timeout=90)  # slow, but an answer
        assert all(r.get("text") for r in replies)
    finally:
        release.set()
        holder.join()
    await settle(user, quiet=3)
    await user.send("Ich suche eine Wohnung in Lörrach")
    await replies_until(user, ends_offer_list, timeout=60)
