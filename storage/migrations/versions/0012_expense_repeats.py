"""A recurring expense repeats once per day at most: unique (recurring_from_id, incurred_on).

The `repeat-expenses` flow writes each due repeat with ON CONFLICT DO NOTHING on this
pair, so a rerun, or two workers at once, add nothing twice. First expenses have no
`recurring_from_id` (NULLs never collide), so they are not limited.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:35:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expenses") as batch:
        batch.create_unique_constraint(
            op.f("uq_expenses_recurring_from_id_incurred_on"), ["recurring_from_id", "incurred_on"]
        )


def downgrade() -> None:
    with op.batch_alter_table("expenses") as batch:
        batch.drop_constraint(op.f("uq_expenses_recurring_from_id_incurred_on"), type_="unique")
