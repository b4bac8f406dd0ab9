"""What the bench needs around the processes it measures: CPU time and memory of `lotse run`'s
children (found below its pid, so another engineer's Lotse on the same machine never counts),
and the gateway as it was before the restructure of issue 15, checked out into a temporary git
worktree and started the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import project_root

BEFORE_RESTRUCTURE = "b713ac3"
"""The last commit whose gateway runs before session 5's restructure (1038ad2 brought
bot/replies.py and the joining of a turn's parts). The commit between them, 74194ac (NLU
training data), also deleted bot/telegram_desk.py, a deletion the restructure had pending in
the shared tree, so its gateway cannot start; it differs from b713ac3 only in that file and in
training data, which the bench does not use (both versions answer with today's model)."""

PATTERNS = {
    "rasa": "nlu.rasa_main run",
    "actions": "-m actions",
    "gateway": "-m bot",
}
"""A child of `lotse run` by its command line (the same in both versions)."""

CPU_USERS = 16
CPU_TURNS = 400
"""The fixed workload over which CPU per turn is taken, the same for both versions."""

_TICKS = os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """Every process below `root` (children, grandchildren …), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def children_by_name(root: int) -> dict[str, list[int]]:
    """`lotse run`'s children by role, each with the processes it forked (the action server's
    Sanic serves from a worker process): {"rasa": [pids], "actions": [pids], "gateway": [pids]}."""
    found: dict[str, list[int]] = {}
    for pid in descendants(root):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        for name, pattern in PATTERNS.items():
            if pattern in cmdline and name not in found:
                found[name] = [pid, *descendants(pid)]
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (all their threads)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    return total / _TICKS


def rss_mb(root: int) -> dict[str, float]:
    """Resident memory of `lotse run` (the supervisor) and its children."""
    found: dict[str, float] = {}
    for name, pids in {"supervisor": [root], **children_by_name(root)}.items():
        try:
            kb = sum(
                int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0])
                for pid in pids
            )
        except OSError:
            continue
        found[name] = round(kb / 1024, 1)
    found["total"] = round(sum(found.values()), 1)
    return found


async def cpu_per_turn(
    root: int,
    turn: Callable[[str], Awaitable[float]],
    texts: list[str],
    users: int = CPU_USERS,
    turns: int = CPU_TURNS,
) -> dict[str, float | int]:
    """Milliseconds of CPU per turn of each child of `lotse run` over `turns` turns from
    `users` closed-loop users (each sends its next message when its answer has arrived);
    "bench_ms" is this process: the fake Bot API and the users (or the raw-Rasa client)."""
    pids = {**children_by_name(root), "bench": [os.getpid()]}
    start = {name: cpu_seconds(group) for name, group in pids.items()}
    numbers = itertools.count()

    async def user_loop() -> None:
        while (i := next(numbers)) < turns:
            await turn(texts[i % len(texts)])

    await asyncio.gather(*(user_loop() for _ in range(users)))
    result: dict[str, float | int] = {
        f"{name}_ms": round((cpu_seconds(group) - start[name]) * 1000 / turns, 2)
        for name, group in pids.items()
    }
    return {**result, "turns": turns, "users": users}


@contextmanager
def worktree(commit: str, where: Path) -> Iterator[Path]:
    """`commit` checked out at `where` (a detached git worktree, removed afterwards), with
    today's virtual environments and model linked in: the old code, today's Rasa model."""
    root = project_root()
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(where), commit],
        cwd=root,
        check=True,
    )
    try:
        for name in (".venv-rasa", "models"):
            (where / name).symlink_to(root / name)
        yield where
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=root)


def start_old_lotse(tree: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The old tree's `lotse run` (its CLI was lotse/cli.py then), its code first on the path."""
    env = {**env, "PYTHONPATH": str(tree)}
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "lotse.cli", "run"],
            cwd=tree,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def keep_off_rasa(root: int) -> dict[str, list[int]]:
    """Move this process (the fake Bot API and the load) off the CPUs `lotse run` gave Rasa
    (lotse/runtime/cpu_plan.py), as Telegram's servers and the people writing are not on the
    bot's machine. The same for raw Rasa and end to end. Returns who runs where ({} if Rasa is
    not pinned)."""
    if not hasattr(os, "sched_getaffinity"):
        return {}
    rasa = children_by_name(root).get("rasa", [])
    if not rasa:
        return {}
    mine = os.sched_getaffinity(0)
    theirs = os.sched_getaffinity(rasa[0])
    rest = mine - theirs
    if theirs == mine or not rest:
        return {}
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(task.name), rest)
    return {"rasa": sorted(theirs), "bench": sorted(rest)}
