"""Client relationship: notes, consent per channel, quiet hours, loyalty per reader,
follow-up sequences, campaign delivery and attribution, the email audience's sync state.

`consent_records.kind` gains `service` and `loyalty_ledger.kind` gains `bonus` and
`reversed`; their CHECK constraints are swapped. Columns on `clients` and `readers` are
added in place (no table copy on SQLite), the small marketing tables are batch-altered.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


_CONSENT_KINDS_0015 = ("marketing", "data_processing")
_CONSENT_KINDS_0016 = (*_CONSENT_KINDS_0015, "service")
_EMAIL_KINDS_0015 = ("login_code", "invoice")
_EMAIL_KINDS_0016 = (*_EMAIL_KINDS_0015, "campaign", "follow_up")
_LOYALTY_KINDS_0015 = ("earned", "redeemed", "referral_bonus", "adjustment", "expired")
_LOYALTY_KINDS_0016 = (*_LOYALTY_KINDS_0015, "bonus", "reversed")


def _swap_check(batch_op: Any, table: str, kinds: tuple[str, ...]) -> None:
    """Replace the CHECK constraint of `table.kind` with one allowing `kinds`."""
    name = {
        "consent_records": "consentkind_values",
        "loyalty_ledger": "loyaltykind_values",
        "email_outbox": "emailkind_values",
    }[table]
    batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
    batch_op.create_check_constraint(name, f"kind IN ({', '.join(repr(k) for k in kinds)})")


def upgrade() -> None:
    with op.batch_alter_table("email_outbox") as batch_op:
        _swap_check(batch_op, "email_outbox", _EMAIL_KINDS_0016)
    op.create_table(
        "sync_cursors",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_cursors")),
    )
    op.create_table(
        "audience_members",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("audience_id", sa.String(length=64), nullable=False),
        sa.Column("subscriber_hash", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "subscribed",
                "unsubscribed",
                "cleaned",
                "pending",
                "archived",
                name="audiencestatus_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("synced_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_audience_members_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("client_id", "audience_id", name=op.f("pk_audience_members")),
        sa.UniqueConstraint(
            "audience_id",
            "subscriber_hash",
            name=op.f("uq_audience_members_audience_id_subscriber_hash"),
        ),
    )
    op.create_table(
        "client_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("body_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_notes_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_client_notes_reader_id_readers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_notes")),
    )
    with op.batch_alter_table("client_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_notes_reader_client", ["reader_id", "client_id"], unique=False
        )

    op.create_table(
        "follow_up_sequences",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reader_id", sa.Uuid(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column(
            "trigger",
            sa.Enum(
                "session_completed",
                "no_show",
                "first_booking",
                "birthday",
                "package_low",
                "quiet_60_days",
                name="sequencetrigger_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_follow_up_sequences_reader_id_readers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_sequences")),
        sa.UniqueConstraint("reader_id", "key", name=op.f("uq_follow_up_sequences_reader_id_key")),
    )
    op.create_table(
        "follow_up_enrolments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sequence_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("anchor_ref", sa.String(length=64), nullable=False),
        sa.Column("anchor_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "done",
                "left",
                name="enrolmentstatus_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("left_reason", sa.String(length=64), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_follow_up_enrolments_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_follow_up_enrolments_reader_id_readers")
        ),
        sa.ForeignKeyConstraint(
            ["sequence_id"],
            ["follow_up_sequences.id"],
            name=op.f("fk_follow_up_enrolments_sequence_id_follow_up_sequences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_enrolments")),
        sa.UniqueConstraint(
            "sequence_id",
            "client_id",
            "anchor_ref",
            name=op.f("uq_follow_up_enrolments_sequence_id_client_id_anchor_ref"),
        ),
    )
    with op.batch_alter_table("follow_up_enrolments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_follow_up_enrolments_client_status", ["client_id", "status"], unique=False
        )

    op.create_table(
        "follow_up_steps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sequence_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("button", sa.String(length=32), nullable=True),
        sa.Column("marketing", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("delay_minutes >= 0", name=op.f("ck_follow_up_steps_delay_nonneg")),
        sa.ForeignKeyConstraint(
            ["sequence_id"],
            ["follow_up_sequences.id"],
            name=op.f("fk_follow_up_steps_sequence_id_follow_up_sequences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_steps")),
        sa.UniqueConstraint(
            "sequence_id", "position", name=op.f("uq_follow_up_steps_sequence_id_position")
        ),
    )
    op.create_table(
        "follow_up_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("step_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                "skipped",
                name="deliverystatus_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "webchat",
                "console",
                "telegram",
                "slack",
                "messenger",
                "instagram",
                "email",
                name="channel_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_follow_up_deliveries_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["follow_up_enrolments.id"],
            name=op.f("fk_follow_up_deliveries_enrolment_id_follow_up_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["follow_up_steps.id"],
            name=op.f("fk_follow_up_deliveries_step_id_follow_up_steps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_deliveries")),
        sa.UniqueConstraint(
            "enrolment_id", "step_id", name=op.f("uq_follow_up_deliveries_enrolment_id_step_id")
        ),
    )
    with op.batch_alter_table("follow_up_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_deliveries_due", ["status", "due_at"], unique=False)

    op.create_table(
        "campaign_attributions",
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_campaign_attributions_booking_id_bookings"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_attributions_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_campaign_attributions")),
    )
    with op.batch_alter_table("campaign_attributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_attributions_campaign_id"), ["campaign_id"], unique=False
        )

    with op.batch_alter_table("campaign_deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "channel",
                sa.Enum(
                    "webchat",
                    "console",
                    "telegram",
                    "slack",
                    "messenger",
                    "instagram",
                    "email",
                    name="channel_values",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_campaign_deliveries_due", ["status", "due_at"], unique=False)

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("segment_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("body", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("image_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("offer_code", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("booking_button", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("scheduled_local", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("audience_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("email_campaign_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("started_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("finished_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reported_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column("reader_id", existing_type=sa.CHAR(length=32), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_campaigns_offer_code"), ["offer_code"])

    op.add_column("clients", sa.Column("quiet_hours_start", sa.Time(), nullable=True))
    op.add_column("clients", sa.Column("quiet_hours_end", sa.Time(), nullable=True))

    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        _swap_check(batch_op, "consent_records", _CONSENT_KINDS_0016)
        batch_op.add_column(
            sa.Column(
                "channel",
                sa.Enum(
                    "webchat",
                    "console",
                    "telegram",
                    "slack",
                    "messenger",
                    "instagram",
                    "email",
                    name="channel_values",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.create_index(
            "ix_consent_records_current",
            ["client_id", "kind", "channel", "recorded_at"],
            unique=False,
        )

    with op.batch_alter_table("loyalty_ledger", schema=None) as batch_op:
        _swap_check(batch_op, "loyalty_ledger", _LOYALTY_KINDS_0016)
        batch_op.add_column(sa.Column("reader_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("payment_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_loyalty_ledger_client_reader",
            ["client_id", "reader_id", "created_at"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_loyalty_ledger_payment_id_payments"), "payments", ["payment_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_loyalty_ledger_reader_id_readers"), "readers", ["reader_id"], ["id"]
        )

    op.add_column(
        "readers",
        sa.Column("loyalty_points_per_unit", sa.Integer(), server_default="1", nullable=False),
    )
    op.add_column(
        "readers",
        sa.Column(
            "loyalty_free_session_points", sa.Integer(), server_default="500", nullable=False
        ),
    )

    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_segments_reader_id_name"), ["reader_id", "name"]
        )


def downgrade() -> None:
    with op.batch_alter_table("email_outbox") as batch_op:
        _swap_check(batch_op, "email_outbox", _EMAIL_KINDS_0015)
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_segments_reader_id_name"), type_="unique")
        batch_op.drop_column("rule")

    with op.batch_alter_table("readers", schema=None) as batch_op:
        batch_op.drop_column("loyalty_free_session_points")
        batch_op.drop_column("loyalty_points_per_unit")

    with op.batch_alter_table("loyalty_ledger", schema=None) as batch_op:
        _swap_check(batch_op, "loyalty_ledger", _LOYALTY_KINDS_0015)
        batch_op.drop_constraint(
            batch_op.f("fk_loyalty_ledger_reader_id_readers"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_loyalty_ledger_payment_id_payments"), type_="foreignkey"
        )
        batch_op.drop_index("ix_loyalty_ledger_client_reader")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("payment_id")
        batch_op.drop_column("reader_id")

    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        _swap_check(batch_op, "consent_records", _CONSENT_KINDS_0015)
        batch_op.drop_index("ix_consent_records_current")
        batch_op.drop_constraint(op.f("ck_consent_records_channel_values"), type_="check")
        batch_op.drop_column("channel")

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("quiet_hours_end")
        batch_op.drop_column("quiet_hours_start")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_campaigns_offer_code"), type_="unique")
        batch_op.alter_column("reader_id", existing_type=sa.CHAR(length=32), nullable=False)
        batch_op.drop_column("reported_at")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("started_at")
        batch_op.drop_column("email_campaign_id")
        batch_op.drop_column("audience_count")
        batch_op.drop_column("scheduled_local")
        batch_op.drop_column("booking_button")
        batch_op.drop_column("offer_code")
        batch_op.drop_column("image_key")
        batch_op.drop_column("body")
        batch_op.drop_column("segment_key")

    with op.batch_alter_table("campaign_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_deliveries_due")
        batch_op.drop_column("attempts")
        batch_op.drop_column("due_at")
        batch_op.drop_constraint(op.f("ck_campaign_deliveries_channel_values"), type_="check")
        batch_op.drop_column("channel")

    with op.batch_alter_table("campaign_attributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_attributions_campaign_id"))

    op.drop_table("campaign_attributions")
    with op.batch_alter_table("follow_up_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_deliveries_due")

    op.drop_table("follow_up_deliveries")
    op.drop_table("follow_up_steps")
    with op.batch_alter_table("follow_up_enrolments", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_enrolments_client_status")

    op.drop_table("follow_up_enrolments")
    op.drop_table("follow_up_sequences")
    with op.batch_alter_table("client_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_client_notes_reader_client")

    op.drop_table("client_notes")
    op.drop_table("audience_members")
    op.drop_table("sync_cursors")
