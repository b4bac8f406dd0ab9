"""Create a PostgreSQL database if it does not exist; print its URL (for Rasa's tracker store).

Usage: python scripts/create-database.py ADMIN_URL NAME
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text


def main(admin_url: str, name: str) -> int:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base = admin_url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
    print(f"{base}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
