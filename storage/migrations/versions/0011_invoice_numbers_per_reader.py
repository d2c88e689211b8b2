"""Invoice numbers are unique per reader, not across readers.

Each reader numbers their own invoices without gaps (`SAM-2026-000123`); the prefix is
made from the reader's name, so two readers whose names start alike used to collide on
the global unique index. The law asks for one unbroken series per seller: the
constraint is now (reader_id, number).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_constraint(op.f("uq_invoices_number"), type_="unique")
        batch.create_unique_constraint(
            op.f("uq_invoices_reader_id_number"), ["reader_id", "number"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_constraint(op.f("uq_invoices_reader_id_number"), type_="unique")
        batch.create_unique_constraint(op.f("uq_invoices_number"), ["number"])
