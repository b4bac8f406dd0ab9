"""Initial tables: offers, button payloads, conversation settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("municipality", sa.String(120), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("phone", sa.String(60), nullable=False),
        sa.Column("opening_hours", sa.String(200), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_offers_topic_municipality", "offers", ["topic", "municipality"])
    op.create_table(
        "button_payloads",
        sa.Column("token", sa.String(24), primary_key=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_button_payloads_conversation_id", "button_payloads", ["conversation_id"])
    op.create_table(
        "conversation_settings",
        sa.Column("conversation_id", sa.String(64), primary_key=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversation_settings")
    op.drop_index("ix_button_payloads_conversation_id", table_name="button_payloads")
    op.drop_table("button_payloads")
    op.drop_index("ix_offers_topic_municipality", table_name="offers")
    op.drop_table("offers")
