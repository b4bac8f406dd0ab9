"""Rasa's REST channel, seen from the gateway."""

from __future__ import annotations

import logging
import zlib
from typing import Any
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or failed; the gateway answers the user itself."""


class RasaClient:
    """One Rasa, or several replicas sharing the SQL tracker store and the Redis lock store.

    A conversation always goes to the same replica (a stable hash of its id), so its turns meet
    a warm tracker; if that replica cannot be reached, the next one takes the turn (the stores
    are shared, and Rasa's lock store keeps one conversation's turns in order)."""

    def __init__(self, base_url: str, timeout: float = 20.0, token: str = "") -> None:
        self._bases = [u.strip().rstrip("/") for u in base_url.split(",") if u.strip()]
        self._token = token
        """Rasa's --auth-token (LOTSE_SERVICE_TOKEN), which its HTTP API requires."""
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=3.0)
        self._session: aiohttp.ClientSession | None = None  # made in the event loop, on first use

    def _http(self) -> aiohttp.ClientSession:
        """aiohttp rather than httpx: a fraction of the CPU per request (bot/aiohttp_request.py)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=64)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self._session

    def replicas_for(self, sender: str) -> list[str]:
        """The replicas in the order this conversation tries them."""
        first = zlib.crc32(sender.encode("utf-8")) % len(self._bases)
        return self._bases[first:] + self._bases[:first]

    async def _request(
        self, sender: str, method: str, path: str, body: object
    ) -> tuple[int, object]:
        """(HTTP status, decoded JSON or None). Only a refused or failed connection moves on to
        the next replica: a turn that reached Rasa and then timed out may have been processed,
        and is never sent twice."""
        error: Exception | None = None
        for base in self.replicas_for(sender):
            try:
                params = {"token": self._token} if self._token else None
                async with self._http().request(
                    method, base + path, json=body, params=params
                ) as response:
                    try:
                        return response.status, await response.json(content_type=None)
                    except ValueError:
                        return response.status, None
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
                log.warning("Rasa replica %s unreachable: %s", base, type(exc).__name__)
                error = exc
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("Rasa unreachable: %s", type(exc).__name__)
                raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        raise RasaUnavailable(str(error)) from error

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One user turn; returns Rasa's bot messages (text, buttons, custom)."""
        body = {"sender": sender, "message": message, "metadata": metadata}
        status, messages = await self._request(sender, "POST", "/webhooks/rest/webhook", body)
        if status != 200:
            log.warning("Rasa answered HTTP %s", status)
            raise RasaUnavailable(f"HTTP {status}")
        if messages is None:
            raise RasaUnavailable("invalid JSON from Rasa")
        return messages if isinstance(messages, list) else []

    async def erase_tracker(self, sender: str) -> None:
        """Replace the conversation's tracker events with none (Rasa's HTTP API has no delete);
        raises RasaUnavailable if Rasa cannot do it now."""
        path = f"/conversations/{quote(sender, safe=':')}/tracker/events"
        status, _ = await self._request(sender, "PUT", path, [])
        if status != 200:
            raise RasaUnavailable(f"HTTP {status}")

    @property
    def replicas(self) -> int:
        return len(self._bases)

    async def reachable(self) -> int:
        """How many replicas answer Rasa's open root (`GET /`, no token), for /health."""
        up = 0
        for base in self._bases:
            try:
                async with self._http().get(
                    base + "/", timeout=aiohttp.ClientTimeout(total=3)
                ) as response:
                    up += response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                pass
        return up

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
