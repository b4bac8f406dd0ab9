"""Question-log rows linked to their conversation by a keyed hash, so /delete reaches them.

The key is made here, once, and kept in the database (`app_secret`): the question log's export
and the admin's review queue never show it, so a row cannot be traced to a conversation without
the database itself.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    secret = op.create_table(
        "app_secret",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    op.bulk_insert(secret, [{"name": "question_log_key", "value": secrets.token_hex(32)}])
    with op.batch_alter_table("question_log") as batch:
        batch.add_column(sa.Column("conversation_key", sa.String(64), nullable=True))
        batch.create_index("ix_question_log_conversation_key", ["conversation_key"])


def downgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        batch.drop_index("ix_question_log_conversation_key")
        batch.drop_column("conversation_key")
    op.drop_table("app_secret")
