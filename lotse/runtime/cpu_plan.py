"""Which CPUs each child of `lotse run` may use (issue 15).

Rasa answers from one event-loop thread, and that thread is what limits throughput. Measured on
two cores (docs/decisions.md, "Throughput: Rasa on a core of its own"), it waited on the run
queue 6–7 % of the time while the gateway's and action server's short bursts took the core it
woke up on; pinned to a core of its own, 0.1 %, and the whole path kept pace with Rasa alone.
So, when there are more CPUs than Rasa replicas, each replica gets a CPU of its own and every
other child the rest. With as many replicas as CPUs (or one CPU) nothing is pinned: a replica
without a free core would only lose the scheduler's freedom. LOTSE_CPU_PINNING=off turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def available_cpus() -> list[int]:
    """The CPUs this process may run on (a container's or taskset's limit included)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return []


def plan_cpus(
    names: Iterable[str], cpus: list[int], pinning: str = "auto"
) -> dict[str, frozenset[int]]:
    """Child name → the CPUs it may use; a child left out runs anywhere.

    Rasa replicas are the children named "rasa" or "rasa-N"."""
    names = list(names)
    rasa = [name for name in names if name == "rasa" or name.startswith("rasa-")]
    if pinning == "off" or not rasa or len(cpus) <= len(rasa):
        return {}
    plan = {name: frozenset({cpu}) for name, cpu in zip(rasa, cpus, strict=False)}
    rest = frozenset(cpus[len(rasa) :])
    plan.update({name: rest for name in names if name not in plan})
    return plan
