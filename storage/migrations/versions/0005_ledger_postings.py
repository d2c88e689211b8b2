"""The ledger's posting kinds and the provider-fees account.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ACCOUNTS_BEFORE = ("client_receivable", "reader_payable", "platform_revenue", "tax_payable", "cash")
ACCOUNTS = (*ACCOUNTS_BEFORE, "provider_fees")
KINDS = ("payment", "refund", "payout")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    # SQLite cannot alter a CHECK constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_constraint(op.f("ck_ledger_entries_ledgeraccount_values"), type_="check")
        batch.create_check_constraint("ledgeraccount_values", _in("account", ACCOUNTS))
        batch.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    *KINDS,
                    name="postingkind_values",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_constraint(op.f("ck_ledger_entries_postingkind_values"), type_="check")
        batch.drop_column("kind")
        batch.drop_constraint(op.f("ck_ledger_entries_ledgeraccount_values"), type_="check")
        batch.create_check_constraint("ledgeraccount_values", _in("account", ACCOUNTS_BEFORE))
