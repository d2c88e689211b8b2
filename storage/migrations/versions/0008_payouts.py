"""Payouts to readers, the ledger legs each one settled; receipts and recurring expenses.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Tax and the platform's fee are what a period kept net of its refunds: a refund of a
# payment paid out before can give back more than the period took, so they may be negative.
_MONEY = ("gross_minor", "refunds_minor")
_REPORT_INDEX = (
    "reader_id",
    "currency",
    "account",
    "kind",
    "created_at",
    "amount_minor",
    "payment_id",
)


def upgrade() -> None:
    op.create_table(
        "payouts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("platform_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunds_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "sent",
                name="payoutstatus_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        *(
            sa.CheckConstraint(f"{column} >= 0", name=op.f(f"ck_payouts_{column}_nonneg"))
            for column in _MONEY
        ),
        # Net <= 0 is carried forward, never paid: a payout row always moves money.
        sa.CheckConstraint("net_minor > 0", name=op.f("ck_payouts_net_positive")),
        sa.CheckConstraint("sessions >= 0", name=op.f("ck_payouts_sessions_nonneg")),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_payouts_period_order")),
        sa.CheckConstraint(
            "length(currency) = 3 AND upper(currency) = currency",
            name=op.f("ck_payouts_currency_iso"),
        ),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_payouts_reader_id_readers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
        # A rerun for the same period cannot write a second payout.
        sa.UniqueConstraint(
            "reader_id",
            "currency",
            "period_end",
            name=op.f("uq_payouts_reader_id_currency_period_end"),
        ),
        sa.UniqueConstraint("posting_id", name=op.f("uq_payouts_posting_id")),
    )
    with op.batch_alter_table("payouts") as batch:
        batch.create_index(batch.f("ix_payouts_reader_id"), ["reader_id"], unique=False)
    with op.batch_alter_table("ledger_entries") as batch:
        batch.add_column(sa.Column("payout_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_ledger_entries_payout_id_payouts"), "payouts", ["payout_id"], ["id"]
        )
        # A payout's legs, and (payout_id NULL) each reader's unclaimed legs in order.
        batch.create_index(
            "ix_ledger_entries_payout_id",
            ["payout_id", "reader_id", "currency", "created_at"],
            unique=False,
        )
        # Reports sum one (reader, currency, account, kind) stretch between two instants;
        # with the amount and payment in the index those sums never read the table.
        batch.create_index("ix_ledger_entries_reader_report", list(_REPORT_INDEX), unique=False)
    with op.batch_alter_table("payments") as batch:
        # The FX snapshot by payment id, for reports converting legs without the table.
        batch.create_index(
            "ix_payments_settlement_snapshot",
            ["id", "settlement_currency", "amount_minor", "settlement_amount_minor"],
            unique=False,
        )
    with op.batch_alter_table("expenses") as batch:
        batch.add_column(sa.Column("receipt_key", sa.String(length=255), nullable=True))
        batch.add_column(
            sa.Column(
                "recurrence",
                sa.Enum(
                    "weekly",
                    "monthly",
                    name="expenserecurrence_values",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("recurring_from_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_expenses_recurring_from_id_expenses"),
            "expenses",
            ["recurring_from_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("expenses") as batch:
        batch.drop_constraint(op.f("fk_expenses_recurring_from_id_expenses"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_expenses_expenserecurrence_values"), type_="check")
        for column in ("recurring_from_id", "recurrence", "receipt_key"):
            batch.drop_column(column)
    with op.batch_alter_table("payments") as batch:
        batch.drop_index("ix_payments_settlement_snapshot")
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_index("ix_ledger_entries_reader_report")
        batch.drop_index("ix_ledger_entries_payout_id")
        batch.drop_constraint(op.f("fk_ledger_entries_payout_id_payouts"), type_="foreignkey")
        batch.drop_column("payout_id")
    with op.batch_alter_table("payouts") as batch:
        batch.drop_index(batch.f("ix_payouts_reader_id"))
    op.drop_table("payouts")
