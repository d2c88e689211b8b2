"""A daily rollup of ledger legs, kept by triggers on ledger_entries so it cannot drift.

`ledger_daily` holds, per (reader, currency, account, kind, UTC day), the sum of the legs'
amounts and their count. A P&L over a year then reads whole days here (~365 rows per sum)
and only its two partial edge days from the legs. Every insert, delete, and update of a
column the rollup depends on moves the old leg out and the new one in, from inside the
database, in the changing transaction: no write path (the app, the demo seeder, a bulk
import) can forget it. Claiming legs for a payout (`payout_id`) fires nothing. Legs with
no reader or no kind (before 0005) count in no P&L and are left out. A row whose last leg
went away is deleted, so the table is exactly a GROUP BY over the legs.

SQLite recreates a table for `batch_alter_table`, which drops its triggers: a later
migration that batch-alters ledger_entries must create these again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_KEY = ("reader_id", "currency", "account", "kind")
_WATCHED = ("amount_minor", "created_at", "account", "kind", "currency", "reader_id")


def _day_sqlite(value: str) -> str:
    return f"date({value})"


def _day_pg(value: str) -> str:
    return f"(({value}) AT TIME ZONE 'UTC')::date"


def _counted(row: str) -> str:
    return f"{row}.reader_id IS NOT NULL AND {row}.kind IS NOT NULL"


def _add(row: str, day: Callable[[str], str]) -> str:
    """Add one leg to its day's row, creating the row on the day's first leg."""
    columns = ", ".join(f"{row}.{c}" for c in _KEY)
    return (
        "INSERT INTO ledger_daily (reader_id, currency, account, kind, day, total_minor, legs) "
        f"SELECT {columns}, {day(f'{row}.created_at')}, {row}.amount_minor, 1 "
        f"WHERE {_counted(row)} "
        "ON CONFLICT (reader_id, currency, account, kind, day) DO UPDATE "
        "SET total_minor = ledger_daily.total_minor + excluded.total_minor, "
        "legs = ledger_daily.legs + 1;"
    )


def _remove(row: str, day: Callable[[str], str]) -> str:
    """Take one leg out of its day's row; the row goes with the day's last leg."""
    match = (
        " AND ".join(f"{c} = {row}.{c}" for c in _KEY) + f" AND day = {day(f'{row}.created_at')}"
    )
    return (
        f"UPDATE ledger_daily SET total_minor = total_minor - {row}.amount_minor, "
        f"legs = legs - 1 WHERE {match};"
        f"DELETE FROM ledger_daily WHERE {match} AND legs = 0;"
    )


def _sqlite_triggers() -> list[str]:
    watched = ", ".join(_WATCHED)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _WATCHED)
    return [
        "CREATE TRIGGER ledger_daily_insert AFTER INSERT ON ledger_entries "
        f"WHEN {_counted('NEW')} BEGIN {_add('NEW', _day_sqlite)} END",
        "CREATE TRIGGER ledger_daily_delete AFTER DELETE ON ledger_entries "
        f"WHEN {_counted('OLD')} BEGIN {_remove('OLD', _day_sqlite)} END",
        # A NULL reader or kind matches no row and inserts none, so a leg entering or
        # leaving the rollup (a kind set on an old leg) needs no case of its own.
        f"CREATE TRIGGER ledger_daily_update AFTER UPDATE OF {watched} ON ledger_entries "
        f"WHEN {changed} BEGIN {_remove('OLD', _day_sqlite)}{_add('NEW', _day_sqlite)} END",
    ]


def _pg_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _WATCHED)
    body = (
        "IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN\n"
        "  RETURN NULL;\n"
        "END IF;\n"
        "IF TG_OP IN ('DELETE', 'UPDATE') AND {old} THEN\n"
        "  {remove}\n"
        "END IF;\n"
        "IF TG_OP IN ('INSERT', 'UPDATE') AND {new} THEN\n"
        "  {add}\n"
        "END IF;\n"
    ).format(
        changed=changed,
        old=_counted("OLD"),
        new=_counted("NEW"),
        remove=_remove("OLD", _day_pg),
        add=_add("NEW", _day_pg),
    )
    return [
        "CREATE FUNCTION ledger_daily_keep() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}RETURN NULL;\nEND $$",
        "CREATE TRIGGER ledger_daily_keep "
        f"AFTER INSERT OR DELETE OR UPDATE OF {', '.join(_WATCHED)} ON ledger_entries "
        "FOR EACH ROW EXECUTE FUNCTION ledger_daily_keep()",
    ]


def _backfill(day: Callable[[str], str]) -> str:
    columns = ", ".join(_KEY)
    return (
        f"INSERT INTO ledger_daily ({columns}, day, total_minor, legs) "
        f"SELECT {columns}, {day('created_at')}, SUM(amount_minor), COUNT(*) "
        f"FROM ledger_entries WHERE reader_id IS NOT NULL AND kind IS NOT NULL "
        f"GROUP BY {columns}, {day('created_at')}"
    )


def upgrade() -> None:
    op.create_table(
        "ledger_daily",
        sa.Column("reader_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("legs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_KEY, "day", name=op.f("pk_ledger_daily")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    day = _day_pg if postgres else _day_sqlite
    # The backfill and the triggers in one transaction (Alembic's): no leg slips between.
    op.execute(_backfill(day))
    for statement in _pg_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_daily_keep ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_daily_keep()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_daily_{name}")
    op.drop_table("ledger_daily")
