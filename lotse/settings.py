"""Settings from the environment (and an optional `.env` in the project root).

Names are fixed by DESIGN.md; ports and paths have documented defaults so that `make run`
works with no configuration at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """One of `allowed` (the first when unset)."""
    raw = os.environ.get(name, "").strip().lower() or allowed[0]
    if raw not in allowed:
        raise SystemExit(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once per process."""

    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    webhook_url: str = ""
    """Public https URL Telegram posts updates to; empty → long polling (one instance per token)."""
    webhook_secret: str = ""
    """Telegram's `secret_token`: updates without this header are refused (required with a URL)."""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    database_url: str = ""
    rasa_port: int = 5005
    rasa_replicas: int = 1
    """Rasa processes `lotse run` starts, on rasa_port, rasa_port + 1, … (more than one needs the
    shared tracker and lock stores: LOTSE_TRACKER_STORE_URL and REDIS_URL)."""
    cpu_pinning: str = "auto"
    """"auto": each Rasa replica gets a CPU of its own when there are more CPUs than replicas
    (lotse/runtime/cpu_plan.py); "off": the scheduler decides."""
    action_server_port: int = 5055
    rasa_url: str = ""
    """Rasa's base URL; several (replicas), comma-separated, for the gateway."""
    action_server_url: str = ""
    action_server_host: str = "127.0.0.1"
    """The interface the action server listens on; only Rasa needs to reach it."""
    service_token: str = ""
    """The shared secret Rasa sends to the action server and the gateway sends to Rasa's HTTP API
    (LOTSE_SERVICE_TOKEN); empty → `lotse run` makes a new one for its processes at each start."""
    admin_port: int = 8000
    admin_host: str = "127.0.0.1"
    workspace_url: str = ""
    """The facilitators' web workspace as reached from outside (LOTSE_WORKSPACE_URL); empty:
    the admin's own address. `/web` links point here."""
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9470
    """The gateway's /health and /metrics (LOTSE_METRICS_PORT); 0 → none. The other processes
    answer both on their own port."""
    admin_trusted_proxies: str = ""
    """Addresses of the reverse proxies whose X-Forwarded-For/-Proto the admin believes
    (ADMIN_TRUSTED_PROXIES, comma-separated); empty → the socket's address, headers ignored."""
    admin_secure_cookie: bool = False
    """Send the admin's session cookie only over HTTPS (ADMIN_SECURE_COOKIE; default: on
    when a trusted proxy is set, i.e. behind a TLS terminator)."""
    rasa_timeout_seconds: float = 20.0
    max_concurrent_updates: int = 64
    flood_max_messages: int = 8
    flood_max_updates: int = 24
    """Buttons, commands and locations per person in the same window (a form is pressed quickly,
    so more than texts; each /language menu writes eight button tokens)."""
    flood_window_seconds: float = 10.0
    callback_remind_minutes: float = 30.0
    """A request nobody took is reminded to its desk after this long (urgent ones 4× sooner)."""
    callback_escalate_minutes: float = 120.0
    """... and escalated to the desk's coordinator after this long."""
    language_round_minutes: float = 15.0
    """A request in another language than German goes first, privately, to those of the region
    who speak it; after this long without a taker, to the whole desk."""
    outbox_interval_seconds: float = 0.5
    reminder_first_seconds: float = 30.0
    """The minute job (callback reminders, case reminders, language rounds) first runs this long
    after the gateway starts, then every minute."""
    telegram_messages_per_second: int = 30
    """Requests to the Bot API per second, for the whole bot: Telegram's free limit is about 30
    (paid broadcasts allow up to 1000). 0 lifts the limit."""
    retention_days: int = 90
    """Conversations and closed requests older than this are deleted or anonymised."""
    privacy_policy_url: str = ""
    """The operator's full privacy policy, linked from the notice at first contact."""
    default_region: str = ""
    """Where a request goes when Lotse could not ask for the place (Rasa down): a desk's region."""
    tracker_store_url: str = ""
    """Rasa's tracker store in SQL (postgresql://…); empty → Rasa keeps trackers in memory."""
    redis_url: str = ""
    """Rasa's lock store in Redis (redis://host:6379/1), needed for several Rasa replicas."""
    var_dir: Path = field(default=PROJECT_ROOT / "var")
    models_dir: Path = field(default=PROJECT_ROOT / "models")

    @property
    def console_mode(self) -> bool:
        """Without a bot token, `lotse run` serves a console chat instead of Telegram."""
        return not self.telegram_bot_token


@cache
def load_settings() -> Settings:
    """Read the environment once per process; `.env` fills in names that are not set.

    Tests that change the environment call `load_settings.cache_clear()`.
    """
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    var_dir = Path(os.environ.get("LOTSE_VAR_DIR", PROJECT_ROOT / "var"))
    rasa_port = _int("RASA_PORT", 5005)
    action_port = _int("ACTION_SERVER_PORT", 5055)
    database_url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{var_dir / 'lotse.db'}"
    timeout = float(os.environ.get("RASA_TIMEOUT_SECONDS", "20") or 20)
    return Settings(
        telegram_bot_token=os.environ.get("TELEGRAM_BOT_TOKEN", "").strip(),
        webhook_url=os.environ.get("TELEGRAM_WEBHOOK_URL", "").strip(),
        webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip(),
        webhook_listen=os.environ.get("LOTSE_WEBHOOK_LISTEN", "127.0.0.1"),
        webhook_port=_int("LOTSE_WEBHOOK_PORT", 8443),
        telegram_api_base_url=os.environ.get(
            "TELEGRAM_API_BASE_URL", "https://api.telegram.org"
        ).rstrip("/"),
        database_url=database_url,
        rasa_port=rasa_port,
        rasa_replicas=max(1, _int("LOTSE_RASA_REPLICAS", 1)),
        cpu_pinning=_choice("LOTSE_CPU_PINNING", ("auto", "off")),
        action_server_port=action_port,
        rasa_url=os.environ.get("RASA_URL", "").rstrip("/") or f"http://127.0.0.1:{rasa_port}",
        action_server_url=os.environ.get("ACTION_SERVER_URL", "").rstrip("/")
        or f"http://127.0.0.1:{action_port}/webhook",
        admin_port=_int("ADMIN_PORT", 8000),
        admin_trusted_proxies=os.environ.get("ADMIN_TRUSTED_PROXIES", "").strip(),
        admin_secure_cookie=os.environ.get(
            "ADMIN_SECURE_COOKIE", "1" if os.environ.get("ADMIN_TRUSTED_PROXIES") else "0"
        )
        .strip()
        .lower()
        in ("1", "true", "yes", "on"),
        admin_host=os.environ.get("ADMIN_HOST", "127.0.0.1"),
        workspace_url=os.environ.get("LOTSE_WORKSPACE_URL", "").rstrip("/"),
        metrics_host=os.environ.get("LOTSE_METRICS_HOST", "127.0.0.1"),
        metrics_port=_int("LOTSE_METRICS_PORT", 9470),
        action_server_host=os.environ.get("LOTSE_ACTION_SERVER_HOST", "127.0.0.1"),
        service_token=os.environ.get("LOTSE_SERVICE_TOKEN", ""),
        rasa_timeout_seconds=timeout,
        flood_max_messages=_int("LOTSE_FLOOD_MAX_MESSAGES", 8),
        flood_max_updates=_int("LOTSE_FLOOD_MAX_UPDATES", 24),
        max_concurrent_updates=_int("LOTSE_MAX_CONCURRENT_UPDATES", 64),
        flood_window_seconds=float(os.environ.get("LOTSE_FLOOD_WINDOW_SECONDS", "10") or 10),
        callback_remind_minutes=float(os.environ.get("LOTSE_CALLBACK_REMIND_MINUTES") or 30),
        callback_escalate_minutes=float(os.environ.get("LOTSE_CALLBACK_ESCALATE_MINUTES") or 120),
        language_round_minutes=float(os.environ.get("LOTSE_LANGUAGE_ROUND_MINUTES") or 15),
        outbox_interval_seconds=float(os.environ.get("LOTSE_OUTBOX_INTERVAL_SECONDS") or 0.5),
        reminder_first_seconds=float(os.environ.get("LOTSE_REMINDER_FIRST_SECONDS") or 30),
        telegram_messages_per_second=_int("LOTSE_TELEGRAM_MESSAGES_PER_SECOND", 30),
        retention_days=_int("LOTSE_RETENTION_DAYS", 90),
        privacy_policy_url=os.environ.get("LOTSE_PRIVACY_POLICY_URL", ""),
        default_region=os.environ.get("LOTSE_DEFAULT_REGION", ""),
        tracker_store_url=os.environ.get("LOTSE_TRACKER_STORE_URL", ""),
        redis_url=os.environ.get("REDIS_URL", ""),
        var_dir=var_dir,
        models_dir=Path(os.environ.get("LOTSE_MODELS_DIR", PROJECT_ROOT / "models")),
    )
