"""`lotse run`: start Rasa, the action server and the gateway; watch them; stop them together.

A deliberately small supervisor: each child's output is prefixed with its name, each is
health-checked before the next depends on it, and one dying takes the others down with a
non-zero exit that names it. Production deployments use systemd or similar instead.

This module is the mechanics (any `Child`); which processes `lotse run` starts, with which
arguments and environment, is lotse/runtime/process_plan.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lotse.settings import PROJECT_ROOT, Settings

COLORS = {"rasa": "35", "actions": "36", "gateway": "32", "admin": "33"}
STOP_TIMEOUT = 10.0
PR_SET_PDEATHSIG = 1


def _in_child(parent: int, cpus: frozenset[int] | None) -> Callable[[], None] | None:
    """For Popen's preexec_fn (Linux): the child gets SIGTERM when the supervisor dies, however
    it dies (a service manager's SIGKILL, the OOM killer), so no orphan keeps holding a port;
    and it runs on `cpus` when given (lotse/runtime/cpu_plan.py)."""
    if not sys.platform.startswith("linux"):
        return None

    def in_child() -> None:
        if cpus:
            os.sched_setaffinity(0, cpus)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the supervisor died before the line above
            os.kill(os.getpid(), signal.SIGTERM)

    return in_child


class StartupError(RuntimeError):
    """A process could not be started or did not become healthy."""


def http_ok(url: str, predicate: Callable[[bytes], bool] = lambda _: True) -> bool:
    """Whether `url` answers 200 (and `predicate`). Anything that is not an HTTP answer means
    "not ready": probing a loopback port nobody listens on yet can connect the probe to itself
    (TCP self-connect), and it then reads back its own request line (http.client.BadStatusLine)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200 and predicate(resp.read())
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException):
        return False


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass
class Child:
    """One supervised process and how to tell that it is ready."""

    name: str
    argv: list[str]
    ready: Callable[[Child], bool]
    start_timeout: float
    port: int | None = None
    port_setting: str = ""
    log_file: Path | None = None
    interactive: bool = False
    cpus: frozenset[int] | None = None
    """The CPUs it may run on; None: any (lotse/runtime/cpu_plan.py decides)."""
    proc: subprocess.Popen[str] | None = None
    seen_lines: list[str] = field(default_factory=list)
    _ready_line: threading.Event = field(default_factory=threading.Event)

    def mark_if_ready(self, line: str) -> None:
        if "Lotse gateway ready" in line:
            self._ready_line.set()


def ready_line(child: Child) -> bool:
    return child._ready_line.is_set()


class Supervisor:
    def __init__(self, settings: Settings, children: list[Child], out: IO[str] = sys.stdout):
        self.settings = settings
        self.children = children
        self.out = out
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    # -- output ---------------------------------------------------------------------------
    def say(self, text: str) -> None:
        with self._lock:
            self.out.write(f"{'lotse':>8} | {text}\n")
            self.out.flush()

    def _pump(self, child: Child) -> None:
        assert child.proc and child.proc.stdout
        color = COLORS.get(child.name.split("-")[0], "0") if self.out.isatty() else ""
        prefix = f"\033[{color}m{child.name:>8}\033[0m | " if color else f"{child.name:>8} | "
        sink = child.log_file.open("a", encoding="utf-8") if child.log_file else None
        try:
            for line in child.proc.stdout:
                child.mark_if_ready(line)
                child.seen_lines = [*child.seen_lines[-39:], line.rstrip()]
                if sink:
                    sink.write(f"{child.name} | {line}")
                    sink.flush()
                else:
                    with self._lock:
                        self.out.write(prefix + line)
                        self.out.flush()
        finally:
            if sink:
                sink.close()

    # -- lifecycle ------------------------------------------------------------------------
    def _spawn(self, child: Child, env: dict[str, str]) -> None:
        if child.port is not None and port_in_use(child.port):
            raise StartupError(
                f"port {child.port} for {child.name} is already in use "
                f"(another Lotse still running? set {child.port_setting} to use another port)"
            )
        if child.cpus:
            self.say(f"{child.name}: on CPU {', '.join(map(str, sorted(child.cpus)))}")
        # the child stops when the supervisor dies, however it dies, and runs on its CPUs
        in_child = _in_child(os.getpid(), child.cpus)
        if child.interactive:
            child.proc = subprocess.Popen(
                child.argv,
                cwd=PROJECT_ROOT,
                env=env,
                text=True,
                preexec_fn=in_child,
            )
            return
        if child.log_file:
            child.log_file.parent.mkdir(parents=True, exist_ok=True)
            self.say(f"{child.name}: logging to {child.log_file}")
        child.proc = subprocess.Popen(
            child.argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches the supervisor, which stops children in order
            preexec_fn=in_child,
        )
        threading.Thread(target=self._pump, args=(child,), daemon=True).start()

    def _wait_ready(self, waiting: list[Child]) -> None:
        deadline = {c.name: time.monotonic() + c.start_timeout for c in waiting}
        pending = list(waiting)
        while pending:
            if self._stopping.is_set():
                raise StartupError("stopped while starting")
            for child in list(pending):
                assert child.proc
                code = child.proc.poll()
                if code is not None:
                    tail = "\n".join(child.seen_lines[-10:])
                    where = f" (log: {child.log_file})" if child.log_file else ""
                    raise StartupError(
                        f"{child.name} exited with code {code} while starting{where}\n{tail}"
                    )
                if child.ready(child):
                    self.say(f"{child.name} is ready")
                    pending.remove(child)
                elif time.monotonic() > deadline[child.name]:
                    raise StartupError(
                        f"{child.name} did not become ready within {child.start_timeout:.0f} s"
                    )
            time.sleep(0.25)

    def stop(self) -> None:
        """Stop the gateway first (it finishes the message it is sending; the rest of the outbox
        waits in the database), then everything else at once: SIGTERM, SIGKILL after
        STOP_TIMEOUT seconds."""
        self._stopping.set()
        gateways = [c for c in self.children if c.name == "gateway"]
        self._terminate(gateways)
        self._terminate([c for c in self.children if c.name != "gateway"])

    def _terminate(self, children: list[Child]) -> None:
        running = [c for c in children if c.proc is not None and c.proc.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in running:
            assert child.proc is not None
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop in time; killing it")
                child.proc.kill()
                child.proc.wait()

    def run(self, stages: list[list[Child]], env: dict[str, str]) -> int:
        """Start `stages` in order (children of one stage in parallel), then watch them."""

        def on_signal(signum: int, _frame: object) -> None:
            self._stopping.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for stage in stages:
                for child in stage:
                    self._spawn(child, env)
                self._wait_ready([c for c in stage if not c.interactive])
            self.say(
                "all processes are up"
                + ("" if self.settings.console_mode else "; press Ctrl-C to stop")
            )
            return self._watch()
        except StartupError as exc:
            if self._stopping.is_set():
                self.say("stopping")
                return 0
            self.say(f"error: {exc}")
            return 1
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self) -> int:
        while not self._stopping.is_set():
            for child in self.children:
                code = child.proc.poll() if child.proc else None
                if code is None:
                    continue
                if child.interactive and code == 0:
                    self.say("console chat ended; stopping")
                    return 0
                self.say(f"error: {child.name} exited with code {code}; stopping the others")
                return 1
            time.sleep(0.25)
        self.say("stopping")
        return 0
