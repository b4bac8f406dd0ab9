"""The one table of commands: what each runs in the gateway, for Telegram and the console alike.

Telegram's command menu is made from it (in every language, from `command_<name>` texts), the
Telegram handlers and the console chat dispatch through it, so a command cannot exist in one
and be "unknown" in the other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.conversation import Gateway
    from bot.replies import Chat, Reply


@dataclass(frozen=True)
class Command:
    name: str
    run: Callable[[Gateway, Chat], Awaitable[list[Reply]]]


CLIENT_COMMANDS = (
    Command("start", lambda gateway, chat: gateway.on_start(chat)),
    Command("help", lambda gateway, chat: gateway.on_help(chat)),
    Command("language", lambda gateway, chat: gateway.on_language_command(chat)),
    Command("status", lambda gateway, chat: gateway.on_status(chat)),
    Command("delete", lambda gateway, chat: gateway.on_delete_command(chat)),
    Command("profile", lambda gateway, chat: gateway.cases.on_profile(chat)),
    Command("plan", lambda gateway, chat: gateway.cases.on_plan(chat)),
)
"""In the command menu, in this order."""

FACILITATOR_COMMANDS = ("queue", "mine", "end", "skip", "away", "back")
"""For registered facilitators in their private chat with the bot (bot/facilitators.py)."""
CASE_STAFF_COMMANDS = ("cases", "handover", "web")
"""Facilitators' case work (bot/case_flow.py); `/handover` reads its arguments."""

BY_NAME = {command.name: command for command in CLIENT_COMMANDS}


def command_name(text: str) -> str:
    """`/status@LotseBot args` → `status`."""
    return (text.split() or ["/"])[0][1:].split("@")[0].lower()


async def dispatch(gateway: Gateway, chat: Chat, text: str) -> list[Reply]:
    """A command typed by a client or facilitator: its gateway answer, or "unknown command"."""
    name = command_name(text)
    if name in BY_NAME:
        return await BY_NAME[name].run(gateway, chat)
    if name in FACILITATOR_COMMANDS:
        return await gateway.on_facilitator_command(chat, name, text)
    if name in CASE_STAFF_COMMANDS:
        return await gateway.on_case_staff_command(chat, name, text)
    return await gateway.on_unknown_command(chat)
