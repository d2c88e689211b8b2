"""SQLite: planner statistics for `bookings`, so a client's or a reader's rows come by their index.

Without ANALYZE statistics SQLite weighs every one-column equality alike, and for
`client_id = ? AND status = ?` (a client's held sessions, "my bookings", a reader's
completed sessions) it chose the (status, starts_at) index: it then walked every booking
of that status (a million completed ones at scale; 424 ms for one client's refresh). The
rows written here describe the table's shape (a status matches a large share of rows; a
client has a few bookings; a reader many, but far fewer than a status), which is what
ANALYZE would find on a grown database. SQLite documents editing `sqlite_stat1` for
exactly this; a later ANALYZE replaces these rows with measured ones. PostgreSQL keeps
its own statistics (autovacuum), so nothing changes there.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 17:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# (index, "rows rows-per-first-column rows-per-first-two-columns"), as ANALYZE writes them.
_STATS = (
    ("ix_bookings_status_start", "1000000 200000 2"),
    ("ix_bookings_client_start", "1000000 10 1"),
    ("ix_bookings_reader_start", "1000000 50000 1"),
    ("ix_bookings_created_at", "1000000 1"),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if not _sqlite():
        return
    op.execute("ANALYZE alembic_version")  # creates sqlite_stat1 if it is not there yet
    op.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'bookings'")
    for index, stat in _STATS:
        op.execute(
            f"INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('bookings', '{index}', '{stat}')"
        )
    op.execute("ANALYZE sqlite_schema")  # load them into this connection's planner


def downgrade() -> None:
    if not _sqlite():
        return
    op.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'bookings'")
    op.execute("ANALYZE sqlite_schema")
