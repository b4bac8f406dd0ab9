"""Stopping (issue 14, item 13): when `lotse run` itself is killed — a service manager's
SIGKILL, the OOM killer — Rasa, the action server and the gateway die with it and free their
ports, so the next start works; a SIGTERM stops everything in order."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from lotse.runtime.supervisor import port_in_use
from tests.e2e.conftest import lotse_env, start_lotse, stop, wait_for
from tests.e2e.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
START_TIMEOUT = 300


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


async def test_children_die_with_a_killed_supervisor(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        env = lotse_env(fake, tmp_path)
        log = tmp_path / "run.log"
        proc = start_lotse(env, log)
        try:
            await wait_for(
                lambda: "all processes are up" in log.read_text(), START_TIMEOUT, "up", proc, log
            )
            children = descendants(proc.pid)
            ports = [int(env["RASA_PORT"]), int(env["ACTION_SERVER_PORT"])]
            assert len(children) >= 3 and all(port_in_use(p) for p in ports)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            await wait_for(
                lambda: not any(alive(pid) for pid in children), 60, "the children to stop"
            )
            assert not any(port_in_use(p) for p in ports)
        finally:
            stop(proc)
            for pid in descendants(proc.pid):  # only if the test failed
                os.kill(pid, signal.SIGKILL)
