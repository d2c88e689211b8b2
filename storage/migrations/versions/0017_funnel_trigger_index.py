"""SQLite: the funnel's repeat-booking check searches the client's bookings, not all of them.

0014's trigger asked, on every booking insert, whether the client had a completed session
before it with `status = 'completed' AND starts_at < NEW.starts_at` beside the client:
without ANALYZE statistics SQLite chose the (status, starts_at) index for it, which walks
every completed booking before the new one, so each insert cost grew with the table
(a seed of 1M bookings slowed to a crawl). `+p.status` keeps that column out of index
choice, so the (client_id, starts_at) index answers it from the client's few rows, and a
client already counted as repeat skips the check. PostgreSQL plans it from statistics
and picks the client index already; its trigger is unchanged.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 17:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _funnel(step: str, when: str) -> str:
    return (
        "INSERT INTO analytics_funnel (step, channel, client_id, reached_at) "
        f"SELECT '{step}', NEW.source_channel, NEW.client_id, NEW.created_at WHERE {when} "
        "ON CONFLICT (step, channel, client_id) DO NOTHING;"
    )


def _trigger(prior_session: str) -> str:
    body = "".join(
        (
            _funnel("held", "1 = 1"),
            _funnel("confirmed", "NEW.status IN ('confirmed', 'completed', 'no_show')"),
            _funnel("session_held", "NEW.status = 'completed'"),
            _funnel("repeat_booking", prior_session),
        )
    )
    return f"CREATE TRIGGER analytics_funnel_booking_insert AFTER INSERT ON bookings BEGIN {body} END"


_PRIOR_0014 = (
    "EXISTS (SELECT 1 FROM bookings p WHERE p.client_id = NEW.client_id AND p.id <> NEW.id "
    "AND p.status = 'completed' AND p.starts_at < NEW.starts_at)"
)
_PRIOR_0017 = (
    "NOT EXISTS (SELECT 1 FROM analytics_funnel f WHERE f.step = 'repeat_booking' "
    "AND f.channel = NEW.source_channel AND f.client_id = NEW.client_id) "
    "AND EXISTS (SELECT 1 FROM bookings p WHERE p.client_id = NEW.client_id "
    "AND p.starts_at < NEW.starts_at AND p.id <> NEW.id AND +p.status = 'completed')"
)


def _replace(prior_session: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS analytics_funnel_booking_insert")
    op.execute(_trigger(prior_session))


def upgrade() -> None:
    _replace(_PRIOR_0017)


def downgrade() -> None:
    _replace(_PRIOR_0014)
