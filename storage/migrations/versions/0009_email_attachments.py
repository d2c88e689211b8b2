"""The local outbox records what each email had attached; invoices are a kind of email.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_EMAIL_KINDS_0004 = ("login_code",)
_EMAIL_KINDS_0009 = (*_EMAIL_KINDS_0004, "invoice")


def _set_kinds(kinds: tuple[str, ...]) -> None:
    """Swap the CHECK constraint of the email kind column."""
    with op.batch_alter_table("email_outbox") as batch:
        batch.drop_constraint(op.f("ck_email_outbox_emailkind_values"), type_="check")
        batch.create_check_constraint(
            "emailkind_values", f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def upgrade() -> None:
    _set_kinds(_EMAIL_KINDS_0009)
    with op.batch_alter_table("email_outbox") as batch:
        batch.add_column(
            sa.Column(
                "attachments",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                server_default=sa.text("'[]'"),
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("email_outbox") as batch:
        batch.drop_column("attachments")
    op.execute("DELETE FROM email_outbox WHERE kind = 'invoice'")
    _set_kinds(_EMAIL_KINDS_0004)
