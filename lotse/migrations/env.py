"""Alembic environment: the URL comes from the caller's config or from Lotse's settings."""

from __future__ import annotations

from alembic import context

# the modules that define tables, imported to register them on Base.metadata
from lotse import admin_accounts, audit, insights, models  # noqa: F401
from lotse.accompaniment import models as accompaniment_models  # noqa: F401
from lotse.cases import models as case_models  # noqa: F401
from lotse.catalogue import hsds, hsds_kept  # noqa: F401
from lotse.db import Base, make_engine
from lotse.requests import models as request_models  # noqa: F401
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
