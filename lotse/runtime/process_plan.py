"""What `lotse run` starts: the process plan (Rasa replicas and the action server, the admin
when an account exists, then the gateway), each child's arguments and readiness check, and the
environment they share (the service token made for this start, the URLs between them).

The supervisor that runs the plan is lotse/runtime/supervisor.py.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

from lotse.runtime.cpu_plan import available_cpus, plan_cpus
from lotse.runtime.rasa_endpoints import endpoints_file
from lotse.runtime.supervisor import Child, StartupError, http_ok, ready_line
from lotse.settings import PROJECT_ROOT, Settings


def build_children(settings: Settings) -> list[list[Child]]:
    """The process plan: Rasa, the action server (and the admin, with a password) in parallel,
    then the gateway."""
    root = PROJECT_ROOT
    if not (root / ".venv-rasa" / "bin" / "rasa").exists():
        raise StartupError(f"{root / '.venv-rasa'} is missing: run `make install` first")
    if not any(settings.models_dir.glob("*.tar.gz")):
        raise StartupError(f"no trained model in {settings.models_dir}: run `make train` first")
    console = settings.console_mode
    log_dir = settings.var_dir / "log"
    replicas = settings.rasa_replicas
    if replicas > 1 and not (settings.tracker_store_url and settings.redis_url):
        raise StartupError(
            "several Rasa replicas share conversations through the SQL tracker store and the "
            "Redis lock store: set LOTSE_TRACKER_STORE_URL and REDIS_URL (or LOTSE_RASA_REPLICAS=1)"
        )
    endpoints = endpoints_file(settings)  # written once, shared by every replica
    rasa_replicas = [
        rasa_child(settings, number, url, endpoints, log_dir if console else None)
        for number, url in enumerate(rasa_urls(settings))
    ]
    action_base = settings.action_server_url.removesuffix("/webhook")
    actions = Child(
        name="actions",
        argv=[
            sys.executable,
            "-m",
            "actions",  # rasa-sdk behind the service token, on loopback (actions/server.py)
            "--actions",
            "actions",
            "--port",
            str(settings.action_server_port),
        ],
        ready=lambda _c: http_ok(f"{action_base}/health"),
        start_timeout=120,
        port=settings.action_server_port,
        port_setting="ACTION_SERVER_PORT",
        log_file=log_dir / "actions.log" if console else None,
    )
    gateway = Child(
        name="gateway",
        argv=[sys.executable, "-m", "bot"] + (["--console"] if console else []),
        ready=ready_line,
        start_timeout=60,
        interactive=console,
    )
    first = [*rasa_replicas, actions]
    if _admin_accounts_exist(settings):  # the web admin, on ADMIN_PORT
        first.append(
            Child(
                name="admin",
                argv=[sys.executable, "-m", "admin"],
                ready=lambda _c: http_ok(
                    f"http://{settings.admin_host}:{settings.admin_port}/admin/login"
                ),
                start_timeout=60,
                port=settings.admin_port,
                port_setting="ADMIN_PORT",
                log_file=log_dir / "admin.log" if console else None,
            )
        )
    stages = [first, [gateway]]
    plan = plan_cpus(
        (c.name for stage in stages for c in stage), available_cpus(), settings.cpu_pinning
    )
    for stage in stages:
        for child in stage:
            child.cpus = plan.get(child.name)
    return stages


def _admin_accounts_exist(settings: Settings) -> bool:
    """An active admin account exists (`lotse admin add`); an unmigrated database has none."""
    from sqlalchemy.exc import DBAPIError

    from lotse import admin_accounts
    from lotse.db import session_scope

    try:
        with session_scope(settings.database_url) as session:
            return admin_accounts.any_active(session)
    except DBAPIError:
        return False


def rasa_urls(settings: Settings) -> list[str]:
    """The replicas' URLs: rasa_url's host with rasa_port, rasa_port + 1, …"""
    first = settings.rasa_url.split(",")[0].strip()
    if settings.rasa_replicas == 1:
        return [first]
    host = urlsplit(first).hostname or "127.0.0.1"
    return [f"http://{host}:{settings.rasa_port + n}" for n in range(settings.rasa_replicas)]


def rasa_child(
    settings: Settings, number: int, url: str, endpoints: Path, log_dir: Path | None
) -> Child:
    """Rasa replica `number` (0-based) at `url`: its own port, the shared model, endpoints
    and stores."""
    port = settings.rasa_port + number
    name = "rasa" if settings.rasa_replicas == 1 else f"rasa-{number + 1}"
    return Child(
        name=name,
        argv=[
            str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python"),
            "-m",
            "nlu.rasa_main",  # Rasa's CLI with nlu/speedups.py applied
            "run",
            "--enable-api",
            "--model",
            str(settings.models_dir),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            str(endpoints),
        ],
        ready=lambda _c: http_ok(
            f"{url}/status?token={service_token(settings)}", lambda b: b"model_file" in b
        ),
        start_timeout=300,
        port=port,
        port_setting="RASA_PORT",
        log_file=log_dir / f"{name}.log" if log_dir else None,
    )


def service_token(settings: Settings) -> str:
    """The secret Rasa, the action server and the gateway share: LOTSE_SERVICE_TOKEN, or one made
    for this start (kept only in the processes' environment, never written to a file)."""
    global _generated_token
    if settings.service_token:
        return settings.service_token
    if _generated_token is None:
        _generated_token = secrets.token_urlsafe(32)
    return _generated_token


_generated_token: str | None = None


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LOTSE_SERVICE_TOKEN=service_token(settings),
        LOTSE_ACTION_SERVER_HOST=settings.action_server_host,
        LOTSE_METRICS_HOST=settings.metrics_host,  # the gateway's /health and /metrics
        LOTSE_METRICS_PORT=str(settings.metrics_port),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=settings.database_url,
        RASA_URL=",".join(rasa_urls(settings)),
        ACTION_SERVER_URL=settings.action_server_url,
        LOTSE_VAR_DIR=str(settings.var_dir),
        # Rasa 3.6 otherwise tries to reach its telemetry service on every start.
        RASA_TELEMETRY_ENABLED="false",
        PYTHONPATH=os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p),
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env
