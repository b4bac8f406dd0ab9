"""Place aliases (other scripts and short forms), and the conversation's last reply language.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "place_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("place", sa.String(120), nullable=False),
        sa.Column("alias", sa.String(120), nullable=False),
        sa.UniqueConstraint("place", "alias"),
    )
    op.create_index("ix_place_aliases_place", "place_aliases", ["place"])
    with op.batch_alter_table("conversation_settings") as batch:
        batch.add_column(sa.Column("reply_language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_settings") as batch:
        batch.drop_column("reply_language")
    op.drop_index("ix_place_aliases_place", table_name="place_aliases")
    op.drop_table("place_aliases")
