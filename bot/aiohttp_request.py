"""python-telegram-bot's HTTP requests made with aiohttp instead of httpx.

PTB lets the HTTP library be chosen through its `BaseRequest` interface. Under load httpx cost
the gateway 0.5–1.5 ms of CPU per Bot API request, aiohttp about 0.1 ms (measured side by side
against the fake Bot API, docs/decisions.md), when a turn still sent three messages. Parameters
go as a JSON body, files as multipart. Errors map to PTB's own: a timeout is `TimedOut`, any other
transport failure `NetworkError`, so PTB's retry and rate-limit handling work unchanged.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of `connections` connections."""

    __slots__ = ("_connections", "_session", "_timeouts")

    def __init__(
        self,
        connections: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._connections = connections
        self._timeouts = {"read": read_timeout, "connect": connect_timeout, "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(self, given: ODVInput[float], name: str) -> float | None:
        return self._timeouts[name] if isinstance(given, DefaultValue) else given

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        connect = self._timeout(connect_timeout, "connect")
        pool = self._timeout(pool_timeout, "pool")
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=self._timeout(read_timeout, "read"),
        )
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and request_data.multipart_data:
            data = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mimetype) in request_data.multipart_data.items():
                data.add_field(name, content, filename=filename, content_type=mimetype)
        elif request_data is not None:
            # JSON, not a urlencoded form: the same JSON-encoded values, which the Bot API reads
            # either way, without percent-encoding every byte of a long Cyrillic or Arabic text
            # in Python (a few percent of the gateway's CPU in py-spy, docs/decisions.md)
            data, headers = request_data.json_payload, JSON_HEADERS
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as res:
                return res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
