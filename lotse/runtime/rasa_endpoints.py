"""Rasa's endpoints file for this installation: the action server, and on the scale-out stack
the SQL tracker store (PostgreSQL) and the Redis lock store that several Rasa replicas share.

Written to var/ by `lotse run` from the settings, because Rasa's file cannot choose a store by an
environment variable. Without LOTSE_TRACKER_STORE_URL and REDIS_URL it is the plain
endpoints.yml (in-memory tracker and lock store, one Rasa process).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url

from lotse.settings import PROJECT_ROOT, Settings


def tracker_store(url: str) -> dict[str, Any]:
    """Rasa's SQLTrackerStore settings from a URL like postgresql://user:pw@host:5432/db (with
    or without a driver: Rasa picks its own)."""
    parts = make_url(url)
    return {
        "type": "SQL",
        "dialect": parts.get_backend_name(),
        "url": parts.host or "127.0.0.1",
        "port": parts.port or 5432,
        "db": parts.database or "rasa",
        "username": parts.username or "",
        "password": parts.password or "",
    }


def lock_store(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    return {
        "type": "redis",
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 6379,
        "db": int(parts.path.lstrip("/") or 1),
        **({"password": parts.password} if parts.password else {}),
    }


def endpoints_file(settings: Settings) -> Path:
    """The endpoints file Rasa should use (written to var/ when a store is configured)."""
    if not (settings.tracker_store_url or settings.redis_url):
        return PROJECT_ROOT / "endpoints.yml"
    config: dict[str, Any] = {
        # Rasa expands ${…} from its environment: the token never lands in this file
        "action_endpoint": {"url": settings.action_server_url, "token": "${LOTSE_SERVICE_TOKEN}"}
    }
    if settings.tracker_store_url:
        config["tracker_store"] = tracker_store(settings.tracker_store_url)
    if settings.redis_url:
        config["lock_store"] = lock_store(settings.redis_url)
    target = settings.var_dir / "endpoints.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    content = (
        "# written by lotse run from the settings (lotse/runtime/rasa_endpoints.py)\n"
        + yaml.safe_dump(config, sort_keys=False)
    )
    # the database and Redis passwords are in it: readable by the owner only
    descriptor = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when the file was there before, with other modes
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)
    return target
