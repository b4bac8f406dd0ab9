"""Rasa's REST channel, seen from the gateway."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or failed; the gateway answers the user itself."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 20.0) -> None:
        self._base = base_url.rstrip("/")
        self._url = f"{self._base}/webhooks/rest/webhook"
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=3.0),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict]:
        """One user turn; returns Rasa's bot messages (text, buttons, custom)."""
        body = {"sender": sender, "message": message, "metadata": metadata}
        try:
            response = await self._http.post(self._url, json=body)
        except httpx.HTTPError as exc:
            log.warning("Rasa unreachable: %s", type(exc).__name__)
            raise RasaUnavailable(str(exc)) from exc
        if response.status_code != 200:
            log.warning("Rasa answered HTTP %s", response.status_code)
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            messages = response.json()
        except ValueError as exc:
            raise RasaUnavailable("invalid JSON from Rasa") from exc
        return messages if isinstance(messages, list) else []

    async def erase_tracker(self, sender: str) -> None:
        """Replace the conversation's tracker events with none (Rasa's HTTP API has no delete);
        raises RasaUnavailable if Rasa cannot do it now."""
        url = f"{self._base}/conversations/{quote(sender, safe=':')}/tracker/events"
        try:
            response = await self._http.put(url, json=[])
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")

    async def close(self) -> None:
        await self._http.aclose()
