"""Files the hub keeps (receipts, chart pictures) in `stored_files`; the receipt outbox kind.

A file is keyed by the SHA-256 of its bytes, so the same bytes put twice are one row
(INSERT ... ON CONFLICT DO NOTHING). The bytes live in the database (BLOB / BYTEA), so a
receipt fetched by one worker is served by any web process. `expense.receipt` rows fetch
a reader's receipt from the chat it was sent in.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_MAX_FILE_BYTES = 10 * 1024 * 1024  # domain.files.MAX_FILE_BYTES when this was written
_OUTBOX_KINDS_0012 = (
    "booking.confirmed",
    "booking.rescheduled",
    "booking.cancelled",
    "booking.completed",
    "booking.no_show",
    "booking.reminder",
    "message",
    "payment.refund",
    "payment.disputed",
    "invoice.send",
)
_OUTBOX_KINDS_0013 = (*_OUTBOX_KINDS_0012, "expense.receipt")


def _set_outbox_kinds(kinds: tuple[str, ...]) -> None:
    """Swap the CHECK constraint of the outbox kind column."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_outboxkind_values"), type_="check")
        batch.create_check_constraint(
            "outboxkind_values", f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"size >= 0 AND size <= {_MAX_FILE_BYTES}", name=op.f("ck_stored_files_size_range")
        ),
        sa.CheckConstraint("length(key) = 64", name=op.f("ck_stored_files_key_sha256")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_files")),
    )
    _set_outbox_kinds(_OUTBOX_KINDS_0013)


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind = 'expense.receipt'")
    _set_outbox_kinds(_OUTBOX_KINDS_0012)
    op.drop_table("stored_files")
