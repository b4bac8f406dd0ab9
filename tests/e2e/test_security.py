"""The internal services refuse whoever lacks the shared service token, and listen on loopback
only (issue 14, item 1): the action server would otherwise book a callback for any chat, and
Rasa's HTTP API would hand out every tracker."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

ACTION_CALL = {
    "next_action": "action_suggest_topics",
    "sender_id": "tg:1",
    "tracker": {
        "sender_id": "tg:1",
        "slots": {"language": "en"},
        "latest_message": {"text": "hi", "intent": {"name": "nlu_fallback"}, "intent_ranking": []},
        "events": [],
        "active_loop": {},
        "latest_action_name": "action_listen",
    },
    "domain": {"slots": {}, "forms": {}},
    "version": "3.6.21",
}


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses a local TCP port listens on (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


async def test_the_action_server_answers_only_with_the_token(lotse) -> None:
    base = f"http://127.0.0.1:{lotse.env['ACTION_SERVER_PORT']}"
    token = lotse.env["LOTSE_SERVICE_TOKEN"]
    async with httpx.AsyncClient(timeout=30) as http:
        assert (await http.post(f"{base}/webhook", json=ACTION_CALL)).status_code == 401
        wrong = await http.post(f"{base}/webhook", params={"token": "guess"}, json=ACTION_CALL)
        assert wrong.status_code == 401
        right = await http.post(f"{base}/webhook", params={"token": token}, json=ACTION_CALL)
        assert right.status_code == 200, right.text
        assert right.json()["responses"][0]["response"] == "utter_ask_rephrase"
        assert (await http.get(f"{base}/health")).status_code == 200  # the readiness check


async def test_rasas_http_api_answers_only_with_the_token(lotse) -> None:
    path = f"{lotse.rasa_url}/conversations/tg:1/tracker"
    async with httpx.AsyncClient(timeout=30) as http:
        assert (await http.get(path)).status_code == 401
        token = {"token": lotse.env["LOTSE_SERVICE_TOKEN"]}
        assert (await http.get(path, params=token)).status_code == 200


def test_rasa_and_the_action_server_listen_on_loopback_only(lotse) -> None:
    action_port = int(lotse.env["ACTION_SERVER_PORT"])
    rasa_port = int(lotse.env["RASA_PORT"])
    assert listening_addresses(action_port) == {"127.0.0.1"}
    assert listening_addresses(rasa_port) == {"127.0.0.1"}
