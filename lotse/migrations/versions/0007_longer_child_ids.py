"""Longer ids for an offer's rows (phone, schedule, language, service area, service at location).

They are built from the offer's id and the location's id (`<service>@<location>`), which can
exceed 80 characters; PostgreSQL enforces the length, SQLite does not.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("service_at_location", "phone", "schedule", "language", "service_area")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("id", type_=sa.String(160), existing_type=sa.String(80))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("id", type_=sa.String(80), existing_type=sa.String(160))
