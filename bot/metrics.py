"""The gateway's Prometheus metrics, all defined here.

Labels take values only from small fixed sets (intent names of the domain, Lotse's language
codes, outcome kinds, code components): never a chat id, a name, a text or a place a person
typed. Whatever is not in a set is counted as "other".

Database-derived gauges (outbox backlog, callback requests waiting) are computed at scrape time
by `BacklogCollector` with one query (lotse/runtime/monitoring.py), not by hooks in the code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import cache

import yaml
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from lotse import LANGUAGES
from lotse.runtime.monitoring import Backlog
from lotse.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

OTHER = "other"
NONE = "none"
FALLBACK_KINDS = ("asked_back", "rasa_unavailable", "no_answer")
"""asked_back: the model was unsure (`nlu_fallback`) and Lotse offered the likely topics;
rasa_unavailable: Rasa could not be reached and the gateway answered itself;
no_answer: Rasa answered nothing (e.g. the action server failed) and the gateway apologised."""
RETRY_REASONS = ("rate_limited", "network")
DATABASE_UP = ("lotse_database_up", "1 if the database answered the scrape's query, else 0")

TURNS = Counter(
    "lotse_turns",
    "Turns the gateway put to Rasa, by the intent Rasa read ('none' when Rasa gave none) and "
    "the reply language",
    ["intent", "language"],
)
RASA_TURN_SECONDS = Histogram(
    "lotse_rasa_turn_seconds",
    "Time the gateway waited for Rasa's answer to a turn (NLU, dialogue and actions)",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0),
)
FALLBACKS = Counter("lotse_fallbacks", "Turns Lotse could not answer directly, by kind", ["kind"])
OUTBOX_SENT = Counter("lotse_outbox_sent", "Outbox messages Telegram accepted")
OUTBOX_RETRIES = Counter(
    "lotse_outbox_retries",
    "Outbox sends that failed and will be tried again (rate_limited: Telegram's 429)",
    ["reason"],
)
OUTBOX_REFUSED = Counter(
    "lotse_outbox_refused", "Outbox messages Telegram refused for good (blocked, no such chat)"
)
ERRORS = Counter(
    "lotse_errors",
    "Log records at ERROR or above, by the code component that logged",
    ["component"],
)
for _kind in FALLBACK_KINDS:
    FALLBACKS.labels(_kind)
for _reason in RETRY_REASONS:
    OUTBOX_RETRIES.labels(_reason)


@cache
def known_intents() -> frozenset[str]:
    """The domain's intents (domain/intents.yml) and the fallback classifier's."""
    try:
        data = yaml.safe_load((PROJECT_ROOT / "domain" / "intents.yml").read_text("utf-8"))
        names = {str(i) for i in data.get("intents", []) if isinstance(i, str)}
    except (OSError, yaml.YAMLError, AttributeError):
        log.warning("could not read domain/intents.yml; intents are counted as 'other'")
        names = set()
    return frozenset({*names, "nlu_fallback"})


def intent_label(intent: object) -> str:
    if not intent:
        return NONE
    return str(intent) if intent in known_intents() else OTHER


def language_label(language: object) -> str:
    return str(language) if language in LANGUAGES else OTHER


def count_turn(intent: object, language: object, fallback: str | None = None) -> None:
    """One turn put to Rasa; `fallback` one of FALLBACK_KINDS when Lotse could not answer it."""
    TURNS.labels(intent_label(intent), language_label(language)).inc()
    if fallback is None and intent == "nlu_fallback":
        fallback = "asked_back"
    if fallback is not None:
        FALLBACKS.labels(fallback if fallback in FALLBACK_KINDS else OTHER).inc()


def component_of(logger_name: str) -> str:
    """Lotse's own modules by name (`bot.outbox_sender`), libraries by package (`telegram`)."""
    parts = logger_name.split(".")
    if parts[0] in ("bot", "lotse", "actions", "admin", "nlu"):
        return ".".join(parts[:2])
    return parts[0] or "root"


class ErrorCounter(logging.Handler):
    """Counts every ERROR record by component: the gateway already logs each failure once, so
    one handler counts them all, without a hook at each `log.exception`."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        ERRORS.labels(component_of(record.name)).inc()


def count_errors(logger: logging.Logger | None = None) -> None:
    """Install the error counter once on `logger` (the root logger)."""
    target = logger or logging.getLogger()
    if not any(isinstance(h, ErrorCounter) for h in target.handlers):
        target.addHandler(ErrorCounter())


GAUGES: tuple[tuple[str, str, Callable[[Backlog], float]], ...] = (
    (
        "lotse_outbox_waiting",
        "Outbox messages not yet accepted by Telegram",
        lambda b: b.outbox_waiting,
    ),
    (
        "lotse_outbox_retrying",
        "Outbox messages waiting after a failed attempt",
        lambda b: b.outbox_retrying,
    ),
    (
        "lotse_outbox_failed",
        "Outbox messages Telegram refused for good, kept until retention",
        lambda b: b.outbox_failed,
    ),
    (
        "lotse_outbox_oldest_waiting_seconds",
        "Age of the oldest outbox message not yet accepted (0: none waits)",
        lambda b: b.outbox_oldest_seconds,
    ),
    (
        "lotse_callback_requests_open",
        "Callback requests not closed or cancelled (unclaimed or claimed)",
        lambda b: b.requests_open,
    ),
    (
        "lotse_callback_requests_unclaimed",
        "Callback requests nobody has taken yet",
        lambda b: b.requests_unclaimed,
    ),
    (
        "lotse_callback_requests_unclaimed_urgent",
        "Urgent callback requests nobody has taken yet",
        lambda b: b.requests_unclaimed_urgent,
    ),
    (
        "lotse_callback_requests_oldest_unclaimed_seconds",
        "Age of the oldest callback request nobody has taken (0: none waits)",
        lambda b: b.requests_oldest_unclaimed_seconds,
    ),
)


class BacklogCollector(Collector):
    """Database gauges, counted at scrape time by `count` (one query). If the database does
    not answer, only `lotse_database_up 0` is reported: no stale numbers."""

    def __init__(self, count: Callable[[], Backlog]) -> None:
        self._count = count

    def describe(self) -> Iterable[Metric]:
        """Names only, so registering the collector runs no query."""
        yield GaugeMetricFamily(*DATABASE_UP)
        for name, documentation, _ in GAUGES:
            yield GaugeMetricFamily(name, documentation)

    def collect(self) -> Iterable[Metric]:
        try:
            backlog = self._count()
        except Exception as exc:  # the scrape must still answer, and say the database is down
            log.warning("metrics: could not count the backlog: %s", type(exc).__name__)
            yield GaugeMetricFamily(*DATABASE_UP, value=0)
            return
        yield GaugeMetricFamily(*DATABASE_UP, value=1)
        for name, documentation, value in GAUGES:
            yield GaugeMetricFamily(name, documentation, value=float(value(backlog)))
