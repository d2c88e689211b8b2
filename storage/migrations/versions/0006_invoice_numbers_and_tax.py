"""Invoices numbered per reader and year without gaps; tax per line; credit notes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 02:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoice_sequences",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_invoice_sequences_reader_id_readers")
        ),
        sa.PrimaryKeyConstraint("reader_id", "year", name=op.f("pk_invoice_sequences")),
    )
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "invoice",
                    "credit_note",
                    name="invoicekind_values",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="invoice",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("credits_invoice_id", sa.Uuid(), nullable=True))
        batch.add_column(
            sa.Column("tax_rate_bps", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("tax_inclusive", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column("reverse_charge", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.create_foreign_key(
            op.f("fk_invoices_credits_invoice_id_invoices"),
            "invoices",
            ["credits_invoice_id"],
            ["id"],
        )
    with op.batch_alter_table("invoice_lines") as batch:
        batch.add_column(sa.Column("tax_minor", sa.BigInteger(), server_default="0", nullable=False))
        batch.create_check_constraint("tax_minor_nonneg", "tax_minor >= 0")


def downgrade() -> None:
    with op.batch_alter_table("invoice_lines") as batch:
        batch.drop_constraint(op.f("ck_invoice_lines_tax_minor_nonneg"), type_="check")
        batch.drop_column("tax_minor")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_constraint(op.f("fk_invoices_credits_invoice_id_invoices"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_invoices_invoicekind_values"), type_="check")
        for column in ("reverse_charge", "tax_inclusive", "tax_rate_bps", "credits_invoice_id"):
            batch.drop_column(column)
        batch.drop_column("kind")
    op.drop_table("invoice_sequences")
