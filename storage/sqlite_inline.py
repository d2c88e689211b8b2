"""SQLite under SQLAlchemy's asyncio API without a thread hop per driver call.

aiosqlite runs every driver call (cursor, execute, fetchall, close, commit) in its own
thread and wakes the event loop for each result: ~20 statements make ~90 round trips per
chat turn, and on this kind of 2-core machine those hops, not SQLite, were most of a
turn's time (bench/chat_turns.py). SQLite answers an indexed query in microseconds, so
this driver runs the standard `sqlite3` module directly in the event loop, behind the
same SQLAlchemy adapter classes aiosqlite uses.

The one thing that may not block the loop is waiting for another process's write lock
(a flows worker, a CLI command). The connection's busy timeout is therefore 0, and a
"database is locked" answer is retried here with `asyncio.sleep` backoff, for up to
`BUSY_TIMEOUT_SECONDS`, as SQLite's own busy handler would have waited. Only plain
SQLITE_BUSY is retried: at that point the statement did nothing, so running it again is
safe. SQLITE_BUSY_SNAPSHOT (a stale read snapshot) cannot be fixed by a retry and is
raised, as before; write paths avoid it with BEGIN IMMEDIATE.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from sqlalchemy import util
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)

if TYPE_CHECKING:
    from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection

IsolationLevel = Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None
BUSY_TIMEOUT_SECONDS = 30.0
_FIRST_WAIT, _LONGEST_WAIT = 0.001, 0.05
_RETRYABLE = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_BUSY_RECOVERY})
DRIVER = "samia_inline"

Result = TypeVar("Result")


async def _when_unlocked(call: Callable[..., Result], *args: Any) -> Result:
    """Run `call`; while another process holds the lock, wait without blocking the loop."""
    wait, deadline = _FIRST_WAIT, None
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in _RETRYABLE:
                raise
            now = asyncio.get_running_loop().time()
            deadline = deadline if deadline is not None else now + BUSY_TIMEOUT_SECONDS
            if now >= deadline:
                raise
            await asyncio.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT)


class InlineCursor:
    """aiosqlite's cursor interface over a `sqlite3.Cursor`, answered in the calling loop."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        """Wrap a driver cursor."""
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        """SQLAlchemy enters each new cursor."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close on leaving."""
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        """Run one statement."""
        await _when_unlocked(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        """Run one statement for many parameter rows."""
        await _when_unlocked(self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        """The next row."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """The next rows."""
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Release the statement."""
        self._cursor.close()

    @property
    def description(self) -> Any:
        """Column descriptions of the last query."""
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """The rowid of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows per fetchmany."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """aiosqlite's connection interface over a `sqlite3.Connection`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        """Wrap a driver connection; `_connection` is what SQLAlchemy checks for open."""
        self._conn: sqlite3.Connection | None = connection
        self._connection = connection

    @property
    def driver(self) -> sqlite3.Connection:
        """The open driver connection."""
        if self._conn is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._conn

    def cursor(self) -> InlineCursor:
        """A new cursor (SQLAlchemy awaits its `__aenter__`)."""
        return InlineCursor(self.driver.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        """Run one statement on a new cursor."""
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        """Commit; a busy answer leaves the transaction open, so it is retried."""
        await _when_unlocked(self.driver.commit)

    async def rollback(self) -> None:
        """Roll back."""
        self.driver.rollback()

    async def close(self) -> None:
        """Close once; later calls do nothing."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._connection = None  # type: ignore[assignment]

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register a SQL function."""
        self.driver.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        """The driver's transaction mode."""
        return self.driver.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: IsolationLevel) -> None:
        self.driver.isolation_level = value


class _AdaptedConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite adapter, minus the parts that reach into aiosqlite's thread."""

    __slots__ = ()

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level  # type: ignore[no-any-return]

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection.isolation_level = value


class _InlineDbapi(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self) -> None:
        # sqlite3 stands in for the aiosqlite module: same exception classes and version.
        super().__init__(sqlite3, sqlite3)

    def connect(self, *args: Any, **kwargs: Any) -> _AdaptedConnection:
        if kwargs.pop("async_creator_fn", None) is not None:
            raise NotImplementedError("async_creator_fn is not supported by this driver")
        # Used from one event loop at a time; the pool may close it from another thread.
        kwargs["check_same_thread"] = False
        kwargs["timeout"] = 0  # never wait inside SQLite: `_when_unlocked` waits instead
        inline = InlineConnection(sqlite3.connect(*args, **kwargs))
        # It speaks aiosqlite's interface, which SQLAlchemy types as its asyncio Protocol.
        return _AdaptedConnection(self, cast("AsyncIODBAPIConnection", inline))


class SQLiteDialectInline(SQLiteDialect_aiosqlite):
    """`sqlite+samia_inline://`: the aiosqlite dialect on the in-loop driver."""

    driver = DRIVER
    supports_statement_cache = True
    has_terminate = False

    @classmethod
    def import_dbapi(cls) -> _InlineDbapi:
        """The sqlite3 module behind SQLAlchemy's asyncio adapter."""
        return _InlineDbapi()

    def retrieve_dbapi_version(self, dbapi: Any) -> Any:
        """SQLite's own version (there is no driver package to ask)."""
        return util.parse_version_string(sqlite3.sqlite_version)


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialectInline")
