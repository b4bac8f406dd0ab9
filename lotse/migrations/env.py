"""Alembic environment: the URL comes from the caller's config or from Lotse's settings."""

from __future__ import annotations

from alembic import context

from lotse import admin_accounts, audit, desk_models, hsds, insights, models  # noqa: F401  (registers the tables on Base.metadata)
from lotse.db import Base, make_engine
from lotse.settings import load_settings

config = context.config
url = config.get_main_option("sqlalchemy.url") or load_settings().database_url

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
