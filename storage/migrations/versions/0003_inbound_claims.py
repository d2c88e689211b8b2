"""Inbound deliveries: a claim lease for the recovery sweep, and an index of unfinished ones.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_UNFINISHED = sa.text("processed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_inbound_events_unfinished",
        "inbound_events",
        ["received_at"],
        unique=False,
        sqlite_where=_UNFINISHED,
        postgresql_where=_UNFINISHED,
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_events_unfinished", table_name="inbound_events")
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
