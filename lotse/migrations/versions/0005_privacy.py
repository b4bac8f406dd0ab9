"""Privacy: when the notice was shown and consent given, per conversation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("privacy_notice_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_settings", schema=None) as batch_op:
        batch_op.drop_column("consent_at")
        batch_op.drop_column("privacy_notice_at")
