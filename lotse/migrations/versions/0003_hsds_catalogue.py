"""The HSDS-shaped offer catalogue replaces the flat `offers` and `place_aliases` tables.

A database holding the old tables is emptied of offers: `lotse run` loads the demo catalogue into an
empty catalogue, and a region re-imports its file (`lotse catalogue import`).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import sqlite

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("holidays", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["area.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "catalogue_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "taxonomy_term",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=40), nullable=True),
        sa.Column("taxonomy", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["taxonomy_term.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "area_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("area_id", "alias"),
    )
    with op.batch_alter_table("area_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_alias_area_id"), ["area_id"], unique=False)

    op.create_table(
        "location",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address_1", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_location_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_location_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "service",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("subtopic", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("maximum_age", sa.Integer(), nullable=True),
        sa.Column("target_groups", sa.JSON(), nullable=False),
        sa.Column("assured_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
        ),
        sa.ForeignKeyConstraint(
            ["subtopic"],
            ["taxonomy_term.id"],
        ),
        sa.ForeignKeyConstraint(
            ["topic"],
            ["taxonomy_term.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "language",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "code"),
    )
    with op.batch_alter_table("language", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_language_service_id"), ["service_id"], unique=False)

    op.create_table(
        "phone",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_service_id"), ["service_id"], unique=False)

    op.create_table(
        "schedule",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("freq", sa.String(length=16), nullable=False),
        sa.Column("byday", sa.String(length=40), nullable=False),
        sa.Column("opens_at", sa.String(length=5), nullable=False),
        sa.Column("closes_at", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_service_id"), ["service_id"], unique=False)

    op.create_table(
        "service_area",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "area_id"),
    )
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.create_index("ix_service_area_area", ["area_id", "service_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_service_area_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "service_at_location",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_at_location_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_at_location_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "service_eligibility",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("residence_status", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "residence_status"),
    )
    op.create_table(
        "service_translation",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "language"),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_topic_municipality"))

    op.drop_table("offers")
    with op.batch_alter_table("place_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_aliases_place"))

    op.drop_table("place_aliases")
    op.execute("INSERT INTO catalogue_revision (id, revision) VALUES (1, 0)")


def downgrade() -> None:
    op.create_table(
        "place_aliases",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("place", sa.VARCHAR(length=120), nullable=False),
        sa.Column("alias", sa.VARCHAR(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("place", "alias"),
    )
    with op.batch_alter_table("place_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_aliases_place"), ["place"], unique=False)

    op.create_table(
        "offers",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("external_id", sa.VARCHAR(length=64), nullable=False),
        sa.Column("topic", sa.VARCHAR(length=32), nullable=False),
        sa.Column("municipality", sa.VARCHAR(length=120), nullable=False),
        sa.Column("name", sa.VARCHAR(length=200), nullable=False),
        sa.Column("address", sa.VARCHAR(length=300), nullable=False),
        sa.Column("phone", sa.VARCHAR(length=60), nullable=False),
        sa.Column("opening_hours", sa.VARCHAR(length=200), nullable=False),
        sa.Column("languages", sqlite.JSON(), nullable=False),
        sa.Column("updated_at", sa.DATETIME(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offers_topic_municipality"), ["topic", "municipality"], unique=False
        )

    op.drop_table("service_translation")
    op.drop_table("service_eligibility")
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_at_location_service_id"))
        batch_op.drop_index(batch_op.f("ix_service_at_location_location_id"))

    op.drop_table("service_at_location")
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_area_service_id"))
        batch_op.drop_index("ix_service_area_area")

    op.drop_table("service_area")
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_service_id"))

    op.drop_table("schedule")
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_service_id"))

    op.drop_table("phone")
    with op.batch_alter_table("language", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_language_service_id"))

    op.drop_table("language")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_organization_id"))

    op.drop_table("service")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_organization_id"))
        batch_op.drop_index(batch_op.f("ix_location_area_id"))

    op.drop_table("location")
    with op.batch_alter_table("area_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_alias_area_id"))

    op.drop_table("area_alias")
    op.drop_table("taxonomy_term")
    op.drop_table("organization")
    op.drop_table("catalogue_revision")
    op.drop_table("area")
