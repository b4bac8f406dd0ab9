"""HSDS 3.0 packages without loss: rows Lotse keeps as they came, the foreign-taxonomy mapping,
and the HSDS id of a location's address (issue 17).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hsds_kept",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_table", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=160), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hsds_table", "row_id"),
    )
    op.create_index("ix_hsds_kept_service_id", "hsds_kept", ["service_id"])
    op.create_table(
        "taxonomy_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taxonomy", sa.String(length=200), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("subtopic", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["topic"], ["taxonomy_term.id"]),
        sa.ForeignKeyConstraint(["subtopic"], ["taxonomy_term.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("taxonomy", "term"),
    )
    with op.batch_alter_table("location") as batch:
        batch.add_column(sa.Column("address_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("location") as batch:
        batch.drop_column("address_id")
    op.drop_table("taxonomy_mapping")
    op.drop_index("ix_hsds_kept_service_id", table_name="hsds_kept")
    op.drop_table("hsds_kept")
