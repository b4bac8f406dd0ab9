"""`python -m admin`: the web admin on ADMIN_PORT."""

from __future__ import annotations

import logging
import sys

import uvicorn

from lotse import logs
from lotse.settings import load_settings


def main() -> int:
    settings = load_settings()
    if not settings.admin_password:
        print("ADMIN_PASSWORD is not set: the admin stays off", file=sys.stderr)
        return 2
    from admin.app import create_app

    logs.configure(logging.INFO, settings)
    app = create_app(settings)
    print(
        f"Lotse admin ready on http://{settings.admin_host}:{settings.admin_port}/admin", flush=True
    )
    uvicorn.run(app, host=settings.admin_host, port=settings.admin_port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
