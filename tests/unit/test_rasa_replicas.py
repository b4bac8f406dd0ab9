"""Several Rasa replicas: the gateway's routing and failover, and how `lotse run` starts them."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.rasa_client import RasaClient, RasaUnavailable
from lotse.runtime.process_plan import build_children, child_env
from lotse.runtime.supervisor import StartupError
from lotse.settings import Settings
from tests.loopback import serve_app


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


async def serve(status: int) -> tuple[web.AppRunner, str]:
    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response([{"text": f"hi {body['sender']}"}], status=status)

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    return await serve_app(app)


@pytest.fixture()
async def replica() -> AsyncIterator[str]:
    runner, url = await serve(200)
    yield url
    await runner.cleanup()


def test_a_conversation_always_goes_to_the_same_replica_and_all_are_used() -> None:
    client = RasaClient("http://a:1, http://b:2,http://c:3")
    firsts = {client.replicas_for(f"tg:{n}")[0] for n in range(200)}
    assert firsts == {"http://a:1", "http://b:2", "http://c:3"}
    assert client.replicas_for("tg:42") == client.replicas_for("tg:42")
    assert sorted(client.replicas_for("tg:42")) == ["http://a:1", "http://b:2", "http://c:3"]


async def test_an_unreachable_replica_hands_the_turn_to_the_next(replica: str) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    client = RasaClient(f"{down},{replica}")
    sender = next(f"tg:{n}" for n in range(100) if client.replicas_for(f"tg:{n}")[0] == down)
    try:
        assert await client.send(sender, "hallo", {}) == [{"text": f"hi {sender}"}]
    finally:
        await client.close()


async def test_a_replica_that_fails_the_turn_is_not_asked_twice(replica: str) -> None:
    runner, failing = await serve(500)
    client = RasaClient(f"{failing},{replica}")
    sender = next(f"tg:{n}" for n in range(100) if client.replicas_for(f"tg:{n}")[0] == failing)
    try:
        with pytest.raises(RasaUnavailable):  # it may have processed the turn: no second try
            await client.send(sender, "hallo", {})
    finally:
        await client.close()
        await runner.cleanup()


async def test_no_replica_reachable_is_rasa_unavailable() -> None:
    client = RasaClient(f"http://127.0.0.1:{closed_port()},http://127.0.0.1:{closed_port()}")
    try:
        with pytest.raises(RasaUnavailable):
            await client.send("tg:1", "hallo", {})
    finally:
        await client.close()


def _settings(tmp_path: Path, **kw) -> Settings:
    models = tmp_path / "models"
    models.mkdir(exist_ok=True)
    (models / "lotse.tar.gz").write_bytes(b"")
    return Settings(
        telegram_bot_token="x",
        rasa_port=5105,
        rasa_url="http://127.0.0.1:5105",
        action_server_url="http://127.0.0.1:5155/webhook",
        var_dir=tmp_path / "var",
        models_dir=models,
        **kw,
    )


def test_replicas_need_the_shared_stores(tmp_path: Path) -> None:
    with pytest.raises(StartupError, match="LOTSE_TRACKER_STORE_URL and REDIS_URL"):
        build_children(_settings(tmp_path, rasa_replicas=2))


def test_replicas_get_their_own_ports_and_the_gateway_all_urls(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        rasa_replicas=3,
        tracker_store_url="postgresql://lotse:lotse@127.0.0.1:5432/rasa",
        redis_url="redis://127.0.0.1:6379/1",
    )
    first, _gateway = build_children(settings)
    rasas = [c for c in first if c.name.startswith("rasa")]
    assert [c.name for c in rasas] == ["rasa-1", "rasa-2", "rasa-3"]
    assert [c.port for c in rasas] == [5105, 5106, 5107]
    endpoints = {c.argv[c.argv.index("--endpoints") + 1] for c in rasas}
    assert len(endpoints) == 1 and "lock_store" in Path(endpoints.pop()).read_text()
    assert child_env(settings)["RASA_URL"] == (
        "http://127.0.0.1:5105,http://127.0.0.1:5106,http://127.0.0.1:5107"
    )
