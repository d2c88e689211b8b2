"""Booking side effects: reminder outbox kind, synced calendar busy times, external id lookup.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_KINDS_0001 = (
    "booking.confirmed",
    "booking.rescheduled",
    "booking.cancelled",
    "booking.completed",
    "booking.no_show",
    "message",
)
_KINDS_0002 = (*_KINDS_0001[:5], "booking.reminder", "message")


def _kind_type(kinds: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *kinds,
        name="outboxkind_values",
        native_enum=False,
        create_constraint=True,
        length=32,
    )


def _set_outbox_kinds(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Swap the CHECK constraint on outbox.kind (SQLite rebuilds the table in batch mode)."""
    with op.batch_alter_table("outbox", recreate="auto") as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_outboxkind_values"), type_="check")
        batch_op.create_check_constraint(
            "outboxkind_values", sa.column("kind").in_(new)
        )
    del old


def upgrade() -> None:
    _set_outbox_kinds(_KINDS_0001, _KINDS_0002)
    op.create_table(
        "calendar_busy",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=1024), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_calendar_busy_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_calendar_busy_reader_id_readers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_busy")),
        sa.UniqueConstraint(
            "reader_id",
            "provider",
            "event_id",
            name=op.f("uq_calendar_busy_reader_id_provider_event_id"),
        ),
    )
    with op.batch_alter_table("calendar_busy", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_busy_reader_start", ["reader_id", "starts_at"], unique=False
        )
    with op.batch_alter_table("external_refs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_external_refs_lookup", ["provider", "purpose", "external_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("external_refs", schema=None) as batch_op:
        batch_op.drop_index("ix_external_refs_lookup")
    with op.batch_alter_table("calendar_busy", schema=None) as batch_op:
        batch_op.drop_index("ix_calendar_busy_reader_start")
    op.drop_table("calendar_busy")
    op.execute("DELETE FROM outbox WHERE kind = 'booking.reminder'")
    _set_outbox_kinds(_KINDS_0002, _KINDS_0001)
