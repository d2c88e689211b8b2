"""Payments for bookings as well as invoices, with their FX snapshot; prepayment settings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_MONEY = (
    "platform_amount_minor",
    "refunded_minor",
    "disputed_minor",
    "tax_minor",
    "platform_fee_minor",
    "provider_fee_minor",
)
_ZERO_DEFAULT = (
    "tax_minor",
    "platform_fee_minor",
    "provider_fee_minor",
    "refunded_minor",
    "disputed_minor",
)


_OUTBOX_KINDS_0006 = (
    "booking.confirmed",
    "booking.rescheduled",
    "booking.cancelled",
    "booking.completed",
    "booking.no_show",
    "booking.reminder",
    "message",
)
_OUTBOX_KINDS_0007 = (*_OUTBOX_KINDS_0006, "payment.refund", "payment.disputed", "invoice.send")
_POSTING_KINDS_0006 = ("payment", "refund", "payout")
_POSTING_KINDS_0007 = ("payment", "refund", "dispute", "payout")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _set_kinds(posting: tuple[str, ...], outbox: tuple[str, ...]) -> None:
    """Swap the CHECK constraints of the two enum columns that gain a member."""
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_constraint(op.f("ck_ledger_entries_postingkind_values"), type_="check")
        batch.create_check_constraint("postingkind_values", _in("kind", posting))
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_outboxkind_values"), type_="check")
        batch.create_check_constraint("outboxkind_values", _in("kind", outbox))


def upgrade() -> None:
    _set_kinds(_POSTING_KINDS_0007, _OUTBOX_KINDS_0007)
    with op.batch_alter_table("readers") as batch:
        batch.add_column(sa.Column("country", sa.String(2), nullable=True))
        batch.add_column(
            sa.Column("tax_inclusive", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column(
                "prepayment_required", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch.add_column(
            sa.Column("payment_window_minutes", sa.Integer(), server_default="30", nullable=False)
        )
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("prepayment_required", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("revenue_share_bps", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            "revenue_share_range",
            "revenue_share_bps IS NULL OR (revenue_share_bps >= 0 AND revenue_share_bps <= 10000)",
        )
    with op.batch_alter_table("payments") as batch:
        batch.alter_column("invoice_id", existing_type=sa.Uuid(), nullable=True)
        for column in ("booking_id", "reader_id", "client_id"):
            batch.add_column(sa.Column(column, sa.Uuid(), nullable=True))
        batch.add_column(
            sa.Column(
                "method",
                sa.Enum(
                    "card",
                    "telegram",
                    "cash",
                    "bank_transfer",
                    "other",
                    name="paymentmethod_values",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="card",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("platform_amount_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("platform_currency", sa.String(3), nullable=True))
        batch.add_column(sa.Column("platform_fx_rate", sa.Numeric(18, 8), nullable=True))
        for column in _ZERO_DEFAULT:
            batch.add_column(
                sa.Column(column, sa.BigInteger(), server_default="0", nullable=False)
            )
        batch.add_column(sa.Column("checkout_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("checkout_url", sa.String(1000), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        for column in _MONEY:
            batch.create_check_constraint(f"{column}_nonneg", f"{column} >= 0")
        batch.create_check_constraint("refund_within_amount", "refunded_minor <= amount_minor")
        batch.create_unique_constraint(
            op.f("uq_payments_provider_checkout_id"), ["provider", "checkout_id"]
        )
        batch.create_foreign_key(
            op.f("fk_payments_booking_id_bookings"), "bookings", ["booking_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_payments_reader_id_readers"), "readers", ["reader_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_payments_client_id_clients"), "clients", ["client_id"], ["id"]
        )
        for column in ("booking_id", "reader_id", "client_id"):
            batch.create_index(op.f(f"ix_payments_{column}"), [column])


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind IN ('payment.refund', 'payment.disputed', 'invoice.send')")
    op.execute("DELETE FROM ledger_entries WHERE kind = 'dispute'")
    _set_kinds(_POSTING_KINDS_0006, _OUTBOX_KINDS_0006)
    with op.batch_alter_table("payments") as batch:
        for column in ("booking_id", "reader_id", "client_id"):
            batch.drop_index(op.f(f"ix_payments_{column}"))
        batch.drop_constraint(op.f("fk_payments_client_id_clients"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_payments_reader_id_readers"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_payments_booking_id_bookings"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_payments_provider_checkout_id"), type_="unique")
        batch.drop_constraint(op.f("ck_payments_refund_within_amount"), type_="check")
        for column in _MONEY:
            batch.drop_constraint(op.f(f"ck_payments_{column}_nonneg"), type_="check")
        batch.drop_constraint(op.f("ck_payments_paymentmethod_values"), type_="check")
        for column in (
            "expires_at",
            "checkout_url",
            "checkout_id",
            *_ZERO_DEFAULT,
            "platform_fx_rate",
            "platform_currency",
            "platform_amount_minor",
            "method",
            "client_id",
            "reader_id",
            "booking_id",
        ):
            batch.drop_column(column)
        batch.alter_column("invoice_id", existing_type=sa.Uuid(), nullable=False)
    with op.batch_alter_table("services") as batch:
        batch.drop_constraint(op.f("ck_services_revenue_share_range"), type_="check")
        batch.drop_column("revenue_share_bps")
        batch.drop_column("prepayment_required")
    with op.batch_alter_table("readers") as batch:
        for column in ("payment_window_minutes", "prepayment_required", "tax_inclusive", "country"):
            batch.drop_column(column)
