"""Engines from plain `sqlite://` / `postgresql://` URLs; the drivers are chosen here."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import weakref
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

from storage import sqlite_inline

if sys.platform != "win32":  # no flock on Windows: writers there are only queued in-process
    import fcntl

SQLITE_BUSY_TIMEOUT_MS = 30_000


class UnsupportedDatabase(ValueError):
    """The URL names a database Samia hub does not run on."""


def _base_url(url: str | URL) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise UnsupportedDatabase(
            f"unsupported database {backend!r}: use a sqlite:// or postgresql:// URL"
        )
    return parsed


def async_url(url: str | URL) -> URL:
    """The URL with the async driver (sqlite3 in the event loop, or psycopg)."""
    parsed = _base_url(url)
    driver = sqlite_inline.DRIVER if parsed.get_backend_name() == "sqlite" else "psycopg"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def sync_url(url: str | URL) -> URL:
    """The URL with the blocking driver (sqlite3 or psycopg), for migrations and scripts."""
    parsed = _base_url(url)
    driver = "pysqlite" if parsed.get_backend_name() == "sqlite" else "psycopg"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the folder of a SQLite file so a first run needs no manual step."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine, *, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that really begin at BEGIN.

    pysqlite's legacy mode starts a transaction only before DML, so a read-then-write
    would read outside the transaction; taking over BEGIN makes every unit of work one
    real transaction, which the booking write path's serialization relies on.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


def create_engine(url: str | URL, **kwargs: Any) -> Engine:
    """A blocking engine (migrations, CLI, seeding)."""
    ensure_sqlite_directory(url)
    engine = sa.create_engine(sync_url(url), **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS)
    return engine


def create_async_db_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """The application's async engine."""
    ensure_sqlite_directory(url)
    target = async_url(url)
    if target.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(target, **kwargs)
    if engine.dialect.name == "sqlite":
        # 0: a lock held by another process is waited for in the driver, off the loop.
        _configure_sqlite(engine.sync_engine, busy_timeout_ms=0)
    return engine


def session_factory(
    engine: AsyncEngine, *, write_intent: bool = False, read_only: bool = False
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (our models are read after it).

    With `write_intent`, SQLite transactions start with BEGIN IMMEDIATE: they take the write
    lock up front (waiting up to the busy timeout) instead of failing with SQLITE_BUSY when a
    read-then-write transaction finds its snapshot outdated. PostgreSQL ignores the option.

    `read_only` sessions on PostgreSQL run in autocommit: under READ COMMITTED every
    statement takes its own snapshot anyway, so a reading unit of work sees the same data
    without the BEGIN and ROLLBACK round trips (two of the three a one-query read made;
    a chat turn has two to four such reads).
    """
    if write_intent and engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
    if read_only and engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class WriterRole(StrEnum):
    """How a process's SQLite writers rank against other processes' on one database file."""

    FOREGROUND = "foreground"  # answers people (the web server): never waits to be polite
    BACKGROUND = "background"  # works behind them (the flows worker): lets them go first


class WriteGate(asyncio.Lock):
    """SQLite's one writer: queued in this process, and ranked against other processes.

    In one process the asyncio queue hands the database over the moment it is free. Across
    processes SQLite has no queue at all: waiting writers poll, and a busy background
    worker can keep winning the lock while chat turns wait (measured with
    bench/chat_turns.py: 300-700 ms stalls). So a foreground process holds a shared lock on
    a sidecar file (`<database>-writers`) while any of its writers is queued or running,
    and a background process starts a write only when it could take that file
    exclusively, i.e. when no foreground writer is waiting, for at most `patience` seconds.
    """

    def __init__(self, sidecar: Path | None) -> None:
        """`sidecar` is the ranking file next to the database (None: in-memory database)."""
        super().__init__()
        self._sidecar = sidecar
        self._role: WriterRole | None = None
        self._fd: int | None = None
        self._announced = False
        self.patience = 0.25

    def rank(self, role: WriterRole) -> None:
        """Take part in the ranking as `role` (a process with no role ignores it)."""
        if self._sidecar is None or sys.platform == "win32":  # no flock there: plain queueing
            return
        if self._fd is None:
            self._fd = os.open(self._sidecar, os.O_RDWR | os.O_CREAT, 0o600)
        self._role = role

    async def acquire(self) -> Literal[True]:
        """Queue in this process, then announce (foreground) or give way (background)."""
        await super().acquire()
        if self._fd is None:
            return True
        if self._role is WriterRole.FOREGROUND and not self._announced:
            with contextlib.suppress(BlockingIOError):  # a probe in that instant: skip once
                fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                self._announced = True
        elif self._role is WriterRole.BACKGROUND:
            try:
                await self._give_way(self._fd)
            except BaseException:  # cancelled while giving way: the caller never got the gate
                self.release()
                raise
        return True

    def release(self) -> None:
        """Hand over in this process; the last foreground writer withdraws its announcement."""
        super().release()
        if self._announced and self._fd is not None and not self._waiters:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._announced = False

    async def _give_way(self, fd: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.patience  # background work must not starve
        while loop.time() < deadline:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                await asyncio.sleep(0.002)
                continue
            fcntl.flock(fd, fcntl.LOCK_UN)
            return


_WRITE_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def write_gate(engine: AsyncEngine) -> WriteGate | None:
    """One in-process queue for SQLite writers; None on PostgreSQL (row locks suffice).

    SQLite has one writer at a time. Without a queue, concurrent writers in one process
    wait in a polling loop (see storage.sqlite_inline), which turns a 2 ms transaction into
    a p99 of tens of milliseconds; an asyncio lock hands the database over the moment it is
    free. Other processes are ranked by `WriteGate`.
    """
    if engine.dialect.name != "sqlite":
        return None
    sync = engine.sync_engine
    gate = _WRITE_GATES.get(sync)
    if gate is None:
        database = engine.url.database
        in_file = database not in (None, "", ":memory:")
        sidecar = Path(f"{database}-writers") if in_file else None
        gate = _WRITE_GATES[sync] = WriteGate(sidecar)
    return gate
