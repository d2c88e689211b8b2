"""Helpers every repository shares: the overlap translation and the 24-hour booking bound."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult, Result, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import SlotUnavailable

# Named in migration 0001; PostgreSQL only (SQLite relies on the reader schedule lock).
ACTIVE_BOOKING_OVERLAP = "ex_bookings_reader_active_overlap"
_EXCLUSION_VIOLATION = "23P01"

# No reading lasts longer than this; `occupied()` bounds its index scan with it and the
# booking repository refuses longer bookings so the bound can never hide one.
MAX_BOOKING_LENGTH = timedelta(hours=24)


def is_active_booking_overlap(error: IntegrityError) -> bool:
    """Tell the overlap exclusion apart from other integrity errors (FKs, checks, uniques)."""
    orig = error.orig
    if getattr(orig, "sqlstate", None) != _EXCLUSION_VIOLATION:
        return False
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    return constraint == ACTIVE_BOOKING_OVERLAP or ACTIVE_BOOKING_OVERLAP in str(orig)


@contextmanager
def overlap_as_slot_unavailable() -> Iterator[None]:
    """Turn PostgreSQL's refusal of an overlapping active booking into the domain's error."""
    try:
        yield
    except IntegrityError as error:
        if is_active_booking_overlap(error):
            raise SlotUnavailable(
                "the reader already has an active booking overlapping this time"
            ) from error
        raise


def check_booking_length(length: timedelta) -> None:
    """Refuse bookings longer than MAX_BOOKING_LENGTH: `occupied()` would not see them."""
    if length > MAX_BOOKING_LENGTH:
        raise ValueError(f"a booking may last at most {MAX_BOOKING_LENGTH}, got {length}")


def affected_rows(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (`Session.execute` is typed as a plain Result)."""
    return cast("CursorResult[Any]", result).rowcount


def table_of(model: Any) -> sa.Table:
    """The Core table of a mapped class, for statements that skip the ORM."""
    return cast(sa.Table, model.__table__)


@functools.cache
def _by_id(table: sa.Table) -> sa.Select[Any]:
    """SELECT one row by primary key, built once per table (so its cache key is too)."""
    return sa.select(table).where(table.c.id == sa.bindparam("row_id"))


async def row_by_id(session: AsyncSession, model: Any, row_id: UUID) -> Row[Any] | None:
    """One row as plain column values, for repositories that copy rows into records.

    `Session.get` builds a statement, its cache key and an ORM object for every call: on
    the chat path those reads were a tenth of a turn's CPU, for a copy made right after.
    Writes here are UPDATE statements, never the identity map, so nothing relies on it.
    """
    table = table_of(model)
    found: Row[Any] | None = (await session.execute(_by_id(table), {"row_id": row_id})).first()
    return found


# The two-key advisory lock space (apart from the one-key space bookings lock readers in):
# each user of it picks its own class, and the key is 32 bits of the reader's id.
_READER_LOCK = sa.select(
    sa.func.pg_advisory_xact_lock(sa.bindparam("lock_class"), sa.bindparam("lock_key"))
)


async def lock_reader_for(session: AsyncSession, lock_class: int, reader_id: UUID) -> None:
    """PostgreSQL: a transaction-scoped advisory lock on one reader for one purpose.

    SQLite needs none: writing units of work begin IMMEDIATE, so the database's one write
    lock is held already. A collision of two readers' keys only makes them take turns.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(reader_id.bytes, digest_size=4).digest()
    key = int.from_bytes(digest, "big", signed=True)
    await session.execute(_READER_LOCK, {"lock_class": lock_class, "lock_key": key})
