"""Console chat: the same Gateway as Telegram, in a terminal. Buttons become numbered choices."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.commands import dispatch
from bot.conversation import Gateway
from bot.rasa_client import RasaClient
from bot.replies import Button, Chat, Reply, coalesce
from lotse.settings import Settings

QUIT = {"/quit", "/exit"}


def render(reply: Reply, numbered: list[Button]) -> str:
    lines = [reply.text]
    for row in reply.buttons:
        for button in row:
            numbered.append(button)
            lines.append(f"   {len(numbered)}) {button.title}")
    return "\n".join(lines)


async def read_line(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


async def chat_loop(gateway: Gateway, chat: Chat, out: TextIO = sys.stdout) -> None:
    numbered: list[Button] = []

    def show(replies: list[Reply]) -> None:
        numbered.clear()
        for reply in coalesce(replies):
            print("lotse> " + render(reply, numbered).replace("\n", "\n       "), file=out)
        out.flush()

    show(await gateway.on_start(chat))
    while (line := await read_line("  you> ")) is not None:
        line = line.strip()
        if not line:
            continue
        if line in QUIT:
            break
        if line.isdigit() and 1 <= int(line) <= len(numbered):
            show(await gateway.on_button(chat, numbered[int(line) - 1].token))
        elif line.startswith("/"):  # the same commands as in Telegram (bot/commands.py)
            show(await dispatch(gateway, chat, line))
        else:
            show(await gateway.on_text(chat, line))


async def run_console(settings: Settings) -> None:
    # the console is the operator's own test chat: no privacy notice
    gateway = Gateway(
        RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.service_token),
        privacy_notice=False,
    )
    print("Lotse console chat — type your question; numbers choose a button; /quit ends.")
    try:
        await chat_loop(gateway, Chat(conversation_id="console:local", language_code=None))
    finally:
        await gateway.rasa.close()
