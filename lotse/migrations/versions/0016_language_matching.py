"""Matching by language and absences (issue 19): a request's private round among those who
speak the client's language, and a facilitator's `/away until`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facilitator") as batch:
        batch.add_column(sa.Column("away_until", sa.Date(), nullable=True))
    with op.batch_alter_table("callback_request") as batch:
        batch.add_column(sa.Column("language_round_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("private_posts", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("accompaniment") as batch:
        batch.add_column(sa.Column("language_round_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accompaniment") as batch:
        batch.drop_column("language_round_at")
    with op.batch_alter_table("callback_request") as batch:
        batch.drop_column("private_posts")
        batch.drop_column("language_round_at")
    with op.batch_alter_table("facilitator") as batch:
        batch.drop_column("away_until")
