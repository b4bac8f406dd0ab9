"""Which CPUs `lotse run`'s children get (issue 15): Rasa's event loop on a core of its own."""

from __future__ import annotations

import io
import os
import sys
import threading

import pytest

from lotse.runtime.cpu_plan import plan_cpus
from lotse.runtime.supervisor import Child, Supervisor, ready_line
from lotse.settings import Settings, load_settings

CHILDREN = ["rasa", "actions", "admin", "gateway"]


def test_rasa_gets_a_core_of_its_own_and_the_others_share_the_rest() -> None:
    plan = plan_cpus(CHILDREN, [0, 1])
    assert plan == {
        "rasa": {0},
        "actions": {1},
        "admin": {1},
        "gateway": {1},
    }
    plan = plan_cpus(CHILDREN, [2, 5, 6, 7])  # a taskset or container's CPUs, not 0..n
    assert plan["rasa"] == {2}
    assert plan["gateway"] == {5, 6, 7}


def test_each_replica_gets_its_own_core_when_there_are_enough() -> None:
    plan = plan_cpus(["rasa-1", "rasa-2", "actions", "gateway"], [0, 1, 2, 3])
    assert plan["rasa-1"] == {0}
    assert plan["rasa-2"] == {1}
    assert plan["actions"] == plan["gateway"] == {2, 3}


@pytest.mark.parametrize(
    ("names", "cpus"),
    [
        (CHILDREN, [0]),  # one CPU: nothing to separate
        (["rasa-1", "rasa-2", "gateway"], [0, 1]),  # no core left for the others
        (["actions", "gateway"], [0, 1]),  # no Rasa
        (CHILDREN, []),  # a platform that does not say
    ],
)
def test_nothing_is_pinned_without_a_spare_core(names: list[str], cpus: list[int]) -> None:
    assert plan_cpus(names, cpus) == {}


def test_pinning_can_be_turned_off() -> None:
    assert plan_cpus(CHILDREN, [0, 1, 2, 3], pinning="off") == {}


def test_the_setting_refuses_a_value_it_does_not_know(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSE_CPU_PINNING", "fast")
    load_settings.cache_clear()
    try:
        with pytest.raises(SystemExit, match="LOTSE_CPU_PINNING must be one of auto, off"):
            load_settings()
        monkeypatch.setenv("LOTSE_CPU_PINNING", "OFF")
        load_settings.cache_clear()
        assert load_settings().cpu_pinning == "off"
    finally:
        load_settings.cache_clear()


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="Linux only")
def test_a_pinned_child_runs_on_its_cpu() -> None:
    cpu = max(os.sched_getaffinity(0))
    code = (
        "import os, time; print('on', sorted(os.sched_getaffinity(0)));"
        "print('Lotse gateway ready', flush=True); time.sleep(60)"
    )
    pinned = Child(
        name="rasa",
        argv=[sys.executable, "-u", "-c", code],
        ready=ready_line,
        start_timeout=120,
        cpus=frozenset({cpu}),
    )
    out = io.StringIO()
    sup = Supervisor(Settings(telegram_bot_token="x"), [pinned], out=out)
    threading.Timer(1.5, sup._stopping.set).start()
    assert sup.run([[pinned]], env=dict(os.environ)) == 0
    assert f"rasa | on [{cpu}]" in out.getvalue()
    assert f"rasa: on CPU {cpu}" in out.getvalue()
