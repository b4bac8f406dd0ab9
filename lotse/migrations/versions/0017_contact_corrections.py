"""Contact persons corrected through a partner link (issue 20): a correction without an offer is
a contact person's (changed, new or to be removed).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partner_correction") as batch:
        batch.alter_column("service_id", existing_type=sa.String(length=64), nullable=True)
        batch.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM partner_correction WHERE service_id IS NULL")
    with op.batch_alter_table("partner_correction") as batch:
        batch.drop_column("contact_id")
        batch.alter_column("service_id", existing_type=sa.String(length=64), nullable=False)
