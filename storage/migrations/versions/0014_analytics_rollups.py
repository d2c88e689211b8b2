"""Analytics rollups per reader per local day, and the triggers that mark what changed.

Every insert, update or delete of a booking, payment, rating or reading session that can
change a figure marks its (reader, UTC day), and a booking its (reader, client), in the same
transaction, from inside the database: no write path (the app, the demo seeder, a bulk
import) can forget it, and it costs no extra round trip. Marks are upserts that count, so
a recompute deletes only the marks it saw (`marks` unchanged); one added meanwhile stays.
Holds are left out: they count in no figure until confirmed, and they are the hot path.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:40:00
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_COUNTED = "('held', 'expired')"  # statuses no figure counts
_ENUM = {"native_enum": False, "create_constraint": True, "length": 32}
_STEPS = (
    "first_message",
    "slots_offered",
    "held",
    "confirmed",
    "session_held",
    "repeat_booking",
)
_CHANNELS = ("webchat", "console", "telegram", "slack", "messenger", "instagram", "email")


def _tables() -> None:
    op.create_table(
        "analytics_dirty_days",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("marks", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("reader_id", "day", name=op.f("pk_analytics_dirty_days")),
    )
    op.create_table(
        "analytics_dirty_clients",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("marks", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("reader_id", "client_id", name=op.f("pk_analytics_dirty_clients")),
    )
    op.create_table(
        "analytics_readers",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("rebuilt_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_analytics_readers_reader_id_readers")
        ),
        sa.PrimaryKeyConstraint("reader_id", name=op.f("pk_analytics_readers")),
    )
    counts = ("completed", "no_show", "cancelled", "confirmed", "booked_minutes", "timed_sessions")
    op.create_table(
        "analytics_reader_hours",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("local_hour", sa.SmallInteger(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        sa.Column("held_seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "reader_id",
            "local_day",
            "local_hour",
            "service_id",
            name=op.f("pk_analytics_reader_hours"),
        ),
    )
    op.create_table(
        "analytics_reader_durations",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "reader_id", "local_day", "minutes", name=op.f("pk_analytics_reader_durations")
        ),
    )
    op.create_table(
        "analytics_reader_ratings",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "reader_id", "local_day", "stars", name=op.f("pk_analytics_reader_ratings")
        ),
    )
    op.create_table(
        "analytics_reader_revenue",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("platform_currency", sa.String(length=3), nullable=True),
        sa.Column("platform_net_minor", sa.BigInteger(), nullable=False),
        sa.Column("platform_fee_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "reader_id",
            "local_day",
            "service_id",
            "country",
            "currency",
            name=op.f("pk_analytics_reader_revenue"),
        ),
    )
    op.create_table(
        "analytics_client_months",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("local_month", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "reader_id", "client_id", "local_month", name=op.f("pk_analytics_client_months")
        ),
    )
    op.create_index(
        "ix_analytics_client_months_month",
        "analytics_client_months",
        ["local_month", "client_id"],
    )
    op.create_table(
        "analytics_reader_clients",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("first_session_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_session_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("mean_gap_seconds", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("reader_id", "client_id", name=op.f("pk_analytics_reader_clients")),
    )
    op.create_index(
        "ix_analytics_reader_clients_first",
        "analytics_reader_clients",
        ["reader_id", "first_month"],
    )
    op.create_index(
        "ix_analytics_reader_clients_gap",
        "analytics_reader_clients",
        ["reader_id", "mean_gap_seconds"],
    )
    op.create_index(
        "ix_analytics_client_months_reader_month",
        "analytics_client_months",
        ["reader_id", "local_month"],
    )
    op.create_table(
        "dashboard_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("reader_id", sa.Uuid(), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name=op.f("fk_dashboard_links_reader_id_readers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_links_token_hash")),
    )
    op.create_table(
        "analytics_funnel",
        sa.Column("step", sa.Enum(*_STEPS, **_ENUM, name="funnelstep_values"), nullable=False),
        sa.Column("channel", sa.Enum(*_CHANNELS, **_ENUM, name="channel_values"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("step", "channel", "client_id", name=op.f("pk_analytics_funnel")),
    )
    op.create_index("ix_analytics_funnel_reached_at", "analytics_funnel", ["reached_at"])
    # What a day's recompute reads besides bookings: a reader's ratings and payments of a day.
    op.create_index("ix_ratings_reader_created", "ratings", ["reader_id", "created_at"])
    op.create_index("ix_payments_reader_received", "payments", ["reader_id", "received_at"])
    # The live figures' "last hour" counts read the newest stretch of these.
    op.create_index("ix_bookings_created_at", "bookings", ["created_at"])
    op.create_index("ix_inbound_events_received_at", "inbound_events", ["received_at", "provider"])
    op.create_index("ix_outbox_updated_at", "outbox", ["updated_at"])
    op.create_index("ix_reading_sessions_started_at", "reading_sessions", ["started_at"])


# (table, the reader and UTC-day expressions over a NEW/OLD row, when it counts, columns
# whose change matters). A reading session finds its booking's reader and start.
def _session_booking(row: str, column: str) -> str:
    return f"(SELECT b.{column} FROM bookings b WHERE b.id = {row}.booking_id)"


def _day_sqlite(value: str) -> str:
    return f"date({value})"


def _day_pg(value: str) -> str:
    return f"(({value}) AT TIME ZONE 'UTC')::date"


_SOURCES = {
    "bookings": ("{r}.reader_id", "{r}.starts_at", "{r}.status NOT IN " + _COUNTED),
    "payments": ("{r}.reader_id", "{r}.received_at", "{r}.received_at IS NOT NULL"),
    "ratings": ("{r}.reader_id", "{r}.created_at", "1 = 1"),
    "reading_sessions": (
        _session_booking("{r}", "reader_id"),
        _session_booking("{r}", "starts_at"),
        "{r}.duration_seconds IS NOT NULL",
    ),
}
_WATCHED = {
    "bookings": ("status", "starts_at", "reader_id", "client_id", "service_id", "ends_at"),
    "payments": ("status", "received_at", "refunded_minor", "amount_minor", "reader_id"),
    "ratings": ("stars", "reader_id"),
    "reading_sessions": ("duration_seconds",),
}


def _mark_day(row: str, table: str, day: Callable[[str], str]) -> str:
    reader, at, _ = _SOURCES[table]
    return (
        "INSERT INTO analytics_dirty_days (reader_id, day) "
        f"SELECT {reader.format(r=row)}, {day(at.format(r=row))} "
        f"WHERE {reader.format(r=row)} IS NOT NULL AND {at.format(r=row)} IS NOT NULL "
        "ON CONFLICT (reader_id, day) DO UPDATE SET marks = analytics_dirty_days.marks + 1;"
    )


def _mark_client(row: str) -> str:
    return (
        "INSERT INTO analytics_dirty_clients (reader_id, client_id) "
        f"SELECT {row}.reader_id, {row}.client_id WHERE 1 = 1 "
        "ON CONFLICT (reader_id, client_id) DO UPDATE "
        "SET marks = analytics_dirty_clients.marks + 1;"
    )


def _funnel(step: str, channel: str, at: str, when: str) -> str:
    """The first time a client reaches `step` on `channel`; later times change nothing."""
    return (
        "INSERT INTO analytics_funnel (step, channel, client_id, reached_at) "
        f"SELECT '{step}', {channel}, NEW.client_id, {at} WHERE {when} "
        "ON CONFLICT (step, channel, client_id) DO NOTHING;"
    )


_BOOKED = "NEW.source_channel"
_PRIOR_SESSION = (
    "EXISTS (SELECT 1 FROM bookings p WHERE p.client_id = NEW.client_id AND p.id <> NEW.id "
    "AND p.status = 'completed' AND p.starts_at < NEW.starts_at)"
)
_FUNNEL_ON_INSERT = "".join(
    (_funnel("first_message", "NEW.channel", "NEW.created_at", "NEW.role = 'client'"),)
)
_FUNNEL_BOOKING_INSERT = "".join(
    (
        _funnel("held", _BOOKED, "NEW.created_at", "1 = 1"),
        _funnel(
            "confirmed",
            _BOOKED,
            "NEW.created_at",
            "NEW.status IN ('confirmed', 'completed', 'no_show')",
        ),
        _funnel("session_held", _BOOKED, "NEW.created_at", "NEW.status = 'completed'"),
        _funnel("repeat_booking", _BOOKED, "NEW.created_at", _PRIOR_SESSION),
    )
)
_FUNNEL_BOOKING_UPDATE = "".join(
    (
        _funnel("confirmed", _BOOKED, "NEW.updated_at", "NEW.status = 'confirmed'"),
        _funnel("session_held", _BOOKED, "NEW.updated_at", "NEW.status = 'completed'"),
    )
)


def _funnel_sqlite() -> list[str]:
    return [
        "CREATE TRIGGER analytics_funnel_identity AFTER INSERT ON channel_identities "
        f"WHEN NEW.client_id IS NOT NULL BEGIN {_FUNNEL_ON_INSERT} END",
        "CREATE TRIGGER analytics_funnel_booking_insert AFTER INSERT ON bookings "
        f"BEGIN {_FUNNEL_BOOKING_INSERT} END",
        "CREATE TRIGGER analytics_funnel_booking_update AFTER UPDATE ON bookings "
        f"WHEN OLD.status IS NOT NEW.status BEGIN {_FUNNEL_BOOKING_UPDATE} END",
    ]


def _funnel_pg() -> list[str]:
    body = (
        "IF TG_TABLE_NAME = 'channel_identities' THEN\n"
        f"  IF NEW.client_id IS NOT NULL THEN {_FUNNEL_ON_INSERT} END IF;\n"
        f"ELSIF TG_OP = 'INSERT' THEN {_FUNNEL_BOOKING_INSERT}\n"
        f"ELSIF OLD.status IS DISTINCT FROM NEW.status THEN {_FUNNEL_BOOKING_UPDATE}\n"
        "END IF;\n"
    )
    return [
        "CREATE FUNCTION analytics_funnel_mark() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}RETURN NULL;\nEND $$",
        "CREATE TRIGGER analytics_funnel_identity AFTER INSERT ON channel_identities "
        "FOR EACH ROW EXECUTE FUNCTION analytics_funnel_mark()",
        "CREATE TRIGGER analytics_funnel_booking AFTER INSERT OR UPDATE ON bookings "
        "FOR EACH ROW EXECUTE FUNCTION analytics_funnel_mark()",
    ]


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, (_, _, counts) in _SOURCES.items():
        new_counts, old_counts = counts.format(r="NEW"), counts.format(r="OLD")
        client = table == "bookings"
        insert_body = _mark_day("NEW", table, _day_sqlite) + (_mark_client("NEW") if client else "")
        statements.append(
            f"CREATE TRIGGER analytics_mark_{table}_insert AFTER INSERT ON {table} "
            f"WHEN {new_counts} BEGIN {insert_body} END"
        )
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _WATCHED[table])
        update_body = (
            _mark_day("OLD", table, _day_sqlite)
            + _mark_day("NEW", table, _day_sqlite)
            + (_mark_client("OLD") + _mark_client("NEW") if client else "")
        )
        statements.append(
            f"CREATE TRIGGER analytics_mark_{table}_update AFTER UPDATE ON {table} "
            f"WHEN ({changed}) AND ({new_counts} OR {old_counts}) BEGIN {update_body} END"
        )
        delete_body = _mark_day("OLD", table, _day_sqlite) + (
            _mark_client("OLD") if client else ""
        )
        statements.append(
            f"CREATE TRIGGER analytics_mark_{table}_delete AFTER DELETE ON {table} "
            f"WHEN {old_counts} BEGIN {delete_body} END"
        )
    return statements


def _pg_triggers() -> list[str]:
    statements = []
    for table, (_, _, counts) in _SOURCES.items():
        client = table == "bookings"
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _WATCHED[table])
        new_mark = _mark_day("NEW", table, _day_pg) + (_mark_client("NEW") if client else "")
        old_mark = _mark_day("OLD", table, _day_pg) + (_mark_client("OLD") if client else "")
        statements.append(
            f"CREATE FUNCTION analytics_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP = 'UPDATE' THEN\n"
            f"    IF NOT ({changed}) THEN RETURN NULL; END IF;\n"
            "  END IF;\n"
            "  IF TG_OP <> 'INSERT' THEN\n"
            f"    IF {counts.format(r='OLD')} THEN {old_mark} END IF;\n"
            "  END IF;\n"
            "  IF TG_OP <> 'DELETE' THEN\n"
            f"    IF {counts.format(r='NEW')} THEN {new_mark} END IF;\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
        statements.append(
            f"CREATE TRIGGER analytics_mark_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION analytics_mark_{table}()"
        )
    return statements


def upgrade() -> None:
    _tables()
    postgres = op.get_bind().dialect.name == "postgresql"
    statements = (
        [*_pg_triggers(), *_funnel_pg()] if postgres else [*_sqlite_triggers(), *_funnel_sqlite()]
    )
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS analytics_funnel_identity ON channel_identities")
        op.execute("DROP TRIGGER IF EXISTS analytics_funnel_booking ON bookings")
        op.execute("DROP FUNCTION IF EXISTS analytics_funnel_mark()")
    else:
        for name in ("identity", "booking_insert", "booking_update"):
            op.execute(f"DROP TRIGGER IF EXISTS analytics_funnel_{name}")
    for table in _SOURCES:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS analytics_mark_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS analytics_mark_{table}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS analytics_mark_{table}_insert")
            op.execute(f"DROP TRIGGER IF EXISTS analytics_mark_{table}_update")
            op.execute(f"DROP TRIGGER IF EXISTS analytics_mark_{table}_delete")
    op.drop_index("ix_payments_reader_received", table_name="payments")
    op.drop_index("ix_bookings_created_at", table_name="bookings")
    op.drop_index("ix_inbound_events_received_at", table_name="inbound_events")
    op.drop_index("ix_outbox_updated_at", table_name="outbox")
    op.drop_index("ix_reading_sessions_started_at", table_name="reading_sessions")
    op.drop_index("ix_ratings_reader_created", table_name="ratings")
    op.drop_index("ix_analytics_client_months_month", table_name="analytics_client_months")
    op.drop_index("ix_analytics_funnel_reached_at", table_name="analytics_funnel")
    for table in (
        "analytics_funnel",
        "dashboard_links",
        "analytics_reader_clients",
        "analytics_client_months",
        "analytics_reader_revenue",
        "analytics_reader_ratings",
        "analytics_reader_durations",
        "analytics_reader_hours",
        "analytics_readers",
        "analytics_dirty_clients",
        "analytics_dirty_days",
    ):
        op.drop_table(table)
