"""The gap radar: questions that found no fitting offer, by their fields only (issue 20).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unmet_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("subtopic", sa.String(length=40), nullable=False),
        sa.Column("residence_status", sa.String(length=32), nullable=False),
        sa.Column("age_group", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_unmet_question_quarter", "unmet_question", ["quarter"])
    op.create_index("ix_unmet_question_region", "unmet_question", ["region"])


def downgrade() -> None:
    op.drop_table("unmet_question")
