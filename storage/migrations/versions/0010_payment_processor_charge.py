"""Payments keep the processor's charge id behind a provider's (Telegram payments).

Telegram reports two ids for one payment: its own (`telegram_payment_charge_id`, our
`provider_payment_id`) and the payment provider's charge behind it, where a refund is
made. The second gets its own column.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("processor_charge_id", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("processor_charge_id")
