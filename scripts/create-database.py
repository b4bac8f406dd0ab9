"""Create a fresh, empty PostgreSQL database (dropping an old one); print its URL.

For Rasa's tracker store in `make test-scaleout`: a tracker left from an earlier run would carry
its slots into a new test conversation with the same sender id.
Usage: python scripts/create-database.py ADMIN_URL NAME
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text


def main(admin_url: str, name: str) -> int:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base = admin_url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
    print(f"{base}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
