"""The dialect's INSERT, whose ON CONFLICT clauses SQLite and PostgreSQL both support."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession) -> Callable[[Any], Any]:
    """`insert` of the session's database, for `on_conflict_do_nothing` / `do_update`."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert
