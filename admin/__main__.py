"""`python -m admin`: the web admin on ADMIN_PORT, for the accounts made with `lotse admin add`."""

from __future__ import annotations

import logging
import sys

import uvicorn

from lotse import admin_accounts, logs
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import load_settings


def main() -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        if not admin_accounts.any_active(session):
            print(
                "no admin account yet: the admin stays off (`lotse admin add NAME` makes one)",
                file=sys.stderr,
            )
            return 2
    from admin.app import create_app

    logs.configure(logging.INFO, settings)
    app = create_app(settings)
    print(
        f"Lotse admin ready on http://{settings.admin_host}:{settings.admin_port}/admin", flush=True
    )
    proxies = settings.admin_trusted_proxies
    uvicorn.run(
        app,
        host=settings.admin_host,
        port=settings.admin_port,
        log_level="warning",
        # only a configured proxy may say who the client is (X-Forwarded-For) and that it came
        # over TLS (X-Forwarded-Proto); without one, the socket's address counts
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or "",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
