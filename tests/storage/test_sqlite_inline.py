"""The in-loop SQLite driver: same answers as any driver, and a lock never blocks the loop."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from storage import sqlite_inline
from storage.db import WriterRole, create_async_db_engine, write_gate


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "inline.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    return path


async def test_rows_written_in_a_transaction_are_read_back_and_rolled_back(database: Path) -> None:
    engine = create_async_db_engine(f"sqlite:///{database}")
    async with engine.begin() as connection:
        await connection.execute(sa.text("INSERT INTO notes (body) VALUES ('kept')"))
    async with engine.connect() as connection:
        await connection.execute(sa.text("INSERT INTO notes (body) VALUES ('dropped')"))
        await connection.rollback()
    async with engine.connect() as connection:
        bodies = (await connection.execute(sa.text("SELECT body FROM notes"))).scalars().all()
    await engine.dispose()

    assert engine.dialect.driver == sqlite_inline.DRIVER
    assert bodies == ["kept"]


async def test_a_write_lock_held_by_another_process_does_not_block_the_event_loop(
    database: Path,
) -> None:
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    engine = create_async_db_engine(f"sqlite:///{database}")
    beats: list[float] = []

    async def heartbeat() -> None:
        while True:
            beats.append(asyncio.get_running_loop().time())
            await asyncio.sleep(0.005)

    async def write() -> None:
        async with engine.begin() as connection:
            await connection.execute(sa.text("INSERT INTO notes (body) VALUES ('waited')"))

    beating = asyncio.create_task(heartbeat())
    writing = asyncio.create_task(write())
    await asyncio.sleep(1.0)
    assert not writing.done()  # still waiting for the lock...
    longest_pause = max(later - earlier for earlier, later in itertools.pairwise(beats))
    assert len(beats) > 10  # ...while the loop kept running: blocked, it would beat once
    assert longest_pause < 0.5
    other.execute("COMMIT")
    await asyncio.wait_for(writing, 5)
    beating.cancel()
    async with engine.connect() as connection:
        count = (await connection.execute(sa.text("SELECT COUNT(*) FROM notes"))).scalar_one()
    await engine.dispose()
    other.close()

    assert count == 1


async def test_a_lock_that_is_never_released_fails_after_the_busy_timeout(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_TIMEOUT_SECONDS", 0.2)
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    engine = create_async_db_engine(f"sqlite:///{database}")

    with pytest.raises(OperationalError, match="locked"):
        async with engine.begin() as connection:
            await connection.execute(sa.text("INSERT INTO notes (body) VALUES ('never')"))
    await engine.dispose()
    other.execute("ROLLBACK")
    other.close()


async def test_a_background_writer_gives_way_while_the_web_server_is_writing(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/ranked.db"
    web = create_async_db_engine(url)
    worker_side = create_async_db_engine(url)  # stands in for the worker's process
    web_gate, worker_gate = write_gate(web), write_gate(worker_side)
    assert web_gate is not None
    assert worker_gate is not None
    web_gate.rank(WriterRole.FOREGROUND)
    worker_gate.rank(WriterRole.BACKGROUND)
    worker_gate.patience = 5.0

    async with web_gate:  # a chat turn is writing...
        waiting = asyncio.create_task(worker_gate.acquire())
        await asyncio.sleep(0.2)
        assert not waiting.done()  # ...so the worker does not start
    await asyncio.wait_for(waiting, 2)  # and starts as soon as the turn is done
    worker_gate.release()

    async with web_gate:  # cancelled while giving way, the worker keeps no gate
        waiting = asyncio.create_task(worker_gate.acquire())
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    assert not worker_gate.locked()
    await web.dispose()
    await worker_side.dispose()
