"""`make bench`: Lotse's figures on this machine, printed and written to var/bench/.

End to end means: the real `lotse run` (Rasa, action server, gateway) against the fake Bot API on
loopback, timed from the moment an update is available to the moment the last reply reaches the
fake. "Raw Rasa" means the same messages posted to Rasa's REST webhook directly, in the same run,
so Lotse's own overhead shows as a ratio.

Beside today's Lotse, the gateway as it was before the restructure of issue 15 runs through a
fake Bot API of its own (tests/bench/processes.py): its messages per turn and its CPU per turn are
measured over the same workload as today's, in rounds alternating with today's, so the two
figures come from one run and the same minutes. Throughput, too, alternates raw Rasa and end to
end in short windows (tests/bench/rounds.py).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from lotse.protocol import CARD_KEY, REQUEST_CONTACT_KEY
from tests.bench.processes import (
    BEFORE_RESTRUCTURE,
    cpu_per_turn,
    keep_off_rasa,
    rss_mb,
    start_old_lotse,
    worktree,
)
from tests.bench.rounds import cpu_rounds, gateway_ratios, throughput_rounds
from tests.bench.search import bench_search, percentile
from tests.conftest import project_root
from tests.e2e.conftest import lotse_env, start_lotse, stop, wait_for
from tests.e2e.fake_telegram import FakeTelegram

TURNS = [  # self-contained messages: the answer does not depend on earlier turns
    "Ich suche eine Wohnung in Lörrach",
    "hallo",
    "danke schön",
    "I need help finding a job in Neukölln",
    "Шукаю курси німецької мови в Лерраху",
    "أبحث عن طبيب في نويكولن",
    "wie wird das wetter morgen",
    "Schopfheim de ev ariyorum yardim lazim",
]
_ids = itertools.count(900_000)
PRIVACY_NOTICE = 1  # every bench user is new: the notice comes with the first answer
QUIET = 3.0
"""Seconds without a new message after which a counted answer is complete."""
CPU_ROUNDS = 3
"""Rounds of CPU per turn, each version measured once per round (old and new alternating)."""


def ms(values: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "n": len(values),
    }


async def telegram_messages(fake: FakeTelegram) -> dict[str, dict[str, int]]:
    """Per bench message, a new person's whole answer as it reaches Telegram: the Telegram
    messages it took (privacy notice included) and the parts Rasa answered with (texts and
    offer cards, which the gateway joins)."""
    counts = {}
    for text in TURNS:
        user = fake.user(next(_ids), language_code="de")
        await user.send(text)
        await user.wait_for_messages(1, timeout=60)
        await asyncio.sleep(QUIET)  # whatever else belongs to this answer arrives now
        counts[text] = {"messages": len(fake.messages(user.id))}
    return counts


async def rasa_parts(http: httpx.AsyncClient, rasa: str) -> dict[str, int]:
    """What the answer was before the gateway joined its parts: one message per Rasa message
    (texts and offer cards), plus the privacy notice."""
    counts = {}
    for text in TURNS:
        body = {"sender": f"probe-{next(_ids)}", "message": text, "metadata": {}}
        answer = (await http.post(f"{rasa}/webhooks/rest/webhook", json=body)).json()
        counts[text] = PRIVACY_NOTICE + sum(1 for m in answer if shown(m))
    return counts


def shown(message: dict) -> bool:
    """A Rasa message that was a Telegram message of its own (text, or an offer card)."""
    custom = message.get("custom") or {}
    return bool(message.get("text")) or CARD_KEY in custom or REQUEST_CONTACT_KEY in custom


async def e2e_turn(fake: FakeTelegram, text: str, expected: int) -> float:
    """A new person's turn, until the last of its messages: the privacy notice (first contact)
    and everything Rasa answered."""
    user = fake.user(next(_ids), language_code="de")
    await user.send(text)
    available = fake.updates[-1][0]
    total = expected
    await user.wait_for_messages(total, timeout=60)
    chat_sent = [s.at for s in fake.sent if s.chat_id == user.id]
    return chat_sent[total - 1] - available


async def raw_turn(http: httpx.AsyncClient, rasa: str, text: str) -> float:
    start = time.monotonic()
    body = {"sender": f"raw-{next(_ids)}", "message": text, "metadata": {"language_code": "de"}}
    response = await http.post(f"{rasa}/webhooks/rest/webhook", json=body)
    response.raise_for_status()
    return time.monotonic() - start


async def open_loop(turn, rate: float, seconds: float, seed: int) -> dict:
    """Arrivals at random times (Poisson), each from a new user, not waiting for replies."""
    rng = random.Random(seed)
    tasks, t = [], 0.0
    start = time.monotonic()
    while t < seconds:
        await asyncio.sleep(max(0.0, start + t - time.monotonic()))
        tasks.append(asyncio.create_task(turn(TURNS[len(tasks) % len(TURNS)])))
        t += rng.expovariate(rate)
    return ms(list(await asyncio.gather(*tasks)))


def bench_env(fake: FakeTelegram, var_dir: Path, taken: dict[str, str] | None = None) -> dict:
    """Lotse's own cost: the fake Bot API has no rate limit, so neither has the gateway here
    (against Telegram, LOTSE_TELEGRAM_MESSAGES_PER_SECOND keeps its 30/s). SQLite for both
    versions, each in its own directory; ports other than those `taken` by the other version."""
    var_dir.mkdir()
    in_use = {v for k, v in (taken or {}).items() if k.endswith("_PORT")}
    while True:
        env = lotse_env(
            fake,
            var_dir,
            DATABASE_URL=f"sqlite:///{var_dir / 'lotse.db'}",
            LOTSE_FLOOD_MAX_MESSAGES="1000000",
            LOTSE_TELEGRAM_MESSAGES_PER_SECOND="0",
        )
        if not in_use & {v for k, v in env.items() if k.endswith("_PORT")}:
            return env


async def until_answering(fake: FakeTelegram, proc: subprocess.Popen, log: Path) -> None:
    """Until `lotse run` is up, its gateway polls the fake and has answered a first message."""
    calls = len(fake.calls)  # an earlier gateway's polls do not count
    await wait_for(lambda: "all processes are up" in log.read_text(), 600, "start", proc, log)
    await wait_for(
        lambda: any(m == "getUpdates" for m, _ in fake.calls[calls:]), 60, "polling", proc, log
    )
    first = fake.user(next(_ids))
    await first.send("Ich suche eine Wohnung in Lörrach")
    await first.wait_for_messages(1, timeout=60)


@dataclass
class Running:
    """One `lotse run` under the bench: its process, environment and fake Bot API, and how many
    Telegram messages each bench message's answer takes (known once it has answered them)."""

    proc: subprocess.Popen
    env: dict[str, str]
    fake: FakeTelegram
    expected: dict[str, int]

    def e2e(self, text: str) -> Any:
        return e2e_turn(self.fake, text, self.expected[text])

    async def cpu(self) -> dict:
        return await cpu_per_turn(self.proc.pid, self.e2e, TURNS)


def start_before(stack: ExitStack, fake: FakeTelegram, tmp: Path) -> tuple[Running, Path]:
    """The gateway before issue 15's restructure, with its own action server (its cards crossed
    as HTML), SQLite and fake Bot API, on today's model, checked out into a worktree that the
    stack removes (after stopping it)."""
    print(f"the gateway before the restructure ({BEFORE_RESTRUCTURE}) …", flush=True)
    tree = stack.enter_context(worktree(BEFORE_RESTRUCTURE, tmp / "before-tree"))
    env = bench_env(fake, tmp / "before")
    log = tmp / "before.log"
    proc = start_old_lotse(tree, env, log)
    stack.callback(stop, proc)
    return Running(proc, env, fake, {}), log


async def count_messages(lotse: Running) -> None:
    """How many messages each bench message's answer takes (`lotse` is up and answering)."""
    sent = await telegram_messages(lotse.fake)
    lotse.expected.update({text: c["messages"] for text, c in sent.items()})


async def answering(lotse: Running, log: Path) -> None:
    """Up, and how many messages each bench message's answer takes."""
    await until_answering(lotse.fake, lotse.proc, log)
    await count_messages(lotse)


async def main() -> dict:
    results: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    train = project_root() / "models" / ".train-seconds"
    results["training_s"] = int(train.read_text()) if train.exists() else None
    print("catalogue search …", flush=True)
    results["search"] = bench_search()
    async with FakeTelegram() as fake, FakeTelegram() as old_fake:
        with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as old_stack:
            tmp = Path(tmp_name)
            old: Running | None = None
            try:
                old, old_log = start_before(old_stack, old_fake, tmp)
            except Exception as exc:  # today's figures still count; the report says why
                print(f"the old gateway could not be started: {exc}", flush=True)
                results["before_restructure"] = {"error": str(exc)[-2000:]}
            env = bench_env(fake, tmp / "now", old.env if old else None)
            log = tmp / "run.log"
            started = time.monotonic()
            proc = start_lotse(env, log)
            now = Running(proc, env, fake, {})
            rasa = f"http://127.0.0.1:{env['RASA_PORT']}"
            try:
                await until_answering(fake, proc, log)
                results["first_answer_s"] = round(time.monotonic() - started, 1)
                await count_messages(now)
                if old is not None:
                    try:
                        await answering(old, old_log)
                    except Exception as exc:
                        print(f"the old gateway could not be measured: {exc}", flush=True)
                        results["before_restructure"] = {"error": str(exc)[-2000:]}
                        old_stack.close()
                        old = None
                async with httpx.AsyncClient(timeout=60) as http:
                    await measure(results, now, old, http, rasa, old_stack)
            finally:
                stop(proc)
    return results


async def measure(
    results: dict,
    now: Running,
    old: Running | None,
    http: httpx.AsyncClient,
    rasa: str,
    old_stack: ExitStack,
) -> None:
    per_turn = statistics.mean(now.expected.values())
    parts = await rasa_parts(http, rasa)
    results["messages_per_turn"] = round(per_turn, 2)
    results["messages_per_turn_unjoined"] = round(statistics.mean(parts.values()), 2)
    results["telegram_free_limit_turns_per_s"] = round(30 / per_turn, 1)

    def raw(text: str) -> Any:
        return raw_turn(http, rasa, text)

    print("CPU per turn, rounds alternating with the gateway before the restructure …", flush=True)
    sides = {"now": now.cpu} if old is None else {"before": old.cpu, "now": now.cpu}
    cpu = await cpu_rounds(sides, CPU_ROUNDS)
    results["cpu_ms_per_turn"] = cpu["now"]
    if old is not None:
        results["before_restructure"] = {
            "commit": BEFORE_RESTRUCTURE,
            "messages_per_turn": round(statistics.mean(old.expected.values()), 2),
            "cpu_ms_per_turn": cpu["before"],
        }
        gateway = gateway_ratios(cpu["now"], cpu["before"])
        results["gateway_cpu_ratio"] = gateway["ratio"]
        results["gateway_cpu_ratios"] = gateway["ratios"]
    old_stack.close()  # the old version stopped: the rest is today's alone
    # the same turns posted to Rasa directly: what end to end adds, per process
    results["cpu_ms_per_turn_raw_rasa"] = await cpu_per_turn(now.proc.pid, raw, TURNS)

    print("NLU parse latency …", flush=True)
    parse = []
    for text in TURNS * 25:
        t0 = time.monotonic()
        await http.post(
            f"{rasa}/model/parse",
            params={"token": now.env["LOTSE_SERVICE_TOKEN"]},
            json={"text": text},
        )
        parse.append(time.monotonic() - t0)
    results["nlu_parse"] = ms(parse)

    results["cpu_pinning"] = keep_off_rasa(now.proc.pid)
    print("throughput at saturation, raw Rasa and end to end alternating …", flush=True)
    results["throughput"] = await throughput_rounds({"raw_rasa": raw, "end_to_end": now.e2e}, TURNS)
    for rate in (5, 15):
        print(f"latency at {rate} turns/s offered …", flush=True)
        results[f"latency_{rate}_per_s"] = {
            "raw_rasa": await open_loop(raw, rate, 20, seed=rate),
            "end_to_end": await open_loop(now.e2e, rate, 20, seed=rate),
        }
    results["rss_mb"] = rss_mb(now.proc.pid)


def print_table(r: dict) -> None:
    print("\nLotse benchmark", r["when"])
    print(f"  last make train          {r['training_s']} s (Rasa reuses unchanged parts)")
    print(f"  lotse run → first answer {r.get('first_answer_s')} s")
    p = r.get("nlu_parse", {})
    print(f"  NLU parse                p50 {p.get('p50_ms')} ms  p95 {p.get('p95_ms')} ms")
    t = r.get("throughput", {})
    if t:
        print(
            f"  throughput (peak)        raw Rasa {t['raw_rasa']['turns_per_s']}/s "
            f"({t['raw_rasa']['users']} users)  end to end {t['end_to_end']['turns_per_s']}/s "
            f"({t['end_to_end']['users']} users)  ratio {t['ratio']} (median of rounds"
            f" {t.get('ratios')})"
        )
        pins = r.get("cpu_pinning") or {}
        print(
            f"  CPUs                     Rasa {pins.get('rasa', 'any')}, the bench's client"
            f" {pins.get('bench', 'any')} (LOTSE_CPU_PINNING, lotse/runtime/cpu_plan.py)"
        )
    cpu, before = r.get("cpu_ms_per_turn"), r.get("before_restructure", {})
    if cpu:
        old = before.get("cpu_ms_per_turn") or {}
        print(
            f"  gateway CPU per turn     {cpu['gateway_ms']} ms; before the restructure"
            f" ({before.get('commit', '?')}) {old.get('gateway_ms', before.get('error', '?'))} ms"
            f"; ratio {r.get('gateway_cpu_ratio')} (median of rounds {r.get('gateway_cpu_ratios')})"
        )
        print(
            f"  CPU per turn, others     actions {cpu.get('actions_ms')} ms (before"
            f" {old.get('actions_ms')}), Rasa {cpu.get('rasa_ms')} ms (before {old.get('rasa_ms')})"
            f"; {cpu['turns']} turns, {cpu['users']} users"
        )
        direct = r.get("cpu_ms_per_turn_raw_rasa") or {}
        print(
            f"  CPU per turn, raw Rasa   actions {direct.get('actions_ms')} ms, Rasa"
            f" {direct.get('rasa_ms')} ms; the bench's client {direct.get('bench_ms')} ms"
            f" (end to end: {cpu.get('bench_ms')} ms for the fake Bot API and its users)"
        )
    if "messages_per_turn" in r:
        print(
            f"  messages per turn        {r['messages_per_turn']} (Telegram's free 30 messages/s"
            f" allow {r['telegram_free_limit_turns_per_s']} turns/s; one message per part would"
            f" be {r.get('messages_per_turn_unjoined')}; before the restructure"
            f" {before.get('messages_per_turn')})"
        )
    for rate in (5, 15):
        lat = r.get(f"latency_{rate}_per_s")
        if lat:
            raw, e2e = lat["raw_rasa"], lat["end_to_end"]
            print(
                f"  latency at {rate:>2}/s         raw p50/p95/p99 {raw['p50_ms']}/"
                f"{raw['p95_ms']}/{raw['p99_ms']} ms   end to end {e2e['p50_ms']}/"
                f"{e2e['p95_ms']}/{e2e['p99_ms']} ms"
            )
    for size, s in r["search"].items():
        print(
            f"  search {size:>7} offers    p50 {s['search_p50_ms']} ms  p95 "
            f"{s['search_p95_ms']} ms   resolve place p95 {s['resolve_place_p95_ms']} ms "
            f"({s['places']} places)"
        )
    print(f"  resident memory (MB)     {r.get('rss_mb')}")


if __name__ == "__main__":
    figures = asyncio.run(main())
    out = project_root() / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print_table(figures)
    print(f"\nwritten to {path.relative_to(project_root())}")
