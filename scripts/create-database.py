"""Create a PostgreSQL database; print its URL.

Fresh by default (an old one is dropped): for Rasa's tracker store in `make test-scaleout`, where
a tracker left from an earlier run would carry its slots into a new test conversation with the
same sender id. With --keep an existing database is kept (deployments).
Usage: python scripts/create-database.py ADMIN_URL NAME [--keep]
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text


def main(admin_url: str, name: str, keep: bool = False) -> int:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists and not keep:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or not keep:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base = admin_url.rsplit("/", 1)[0]
    print(f"{base}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--keep" in sys.argv[3:]))
