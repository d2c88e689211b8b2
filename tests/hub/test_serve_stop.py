"""`samia serve` stops within 5 s while a flow is carrying out a booking, and loses nothing.

The real command in a subprocess (web server, flows worker, Prefect's local API), and a
Telegram client whose confirmation is in flight to a slow Telegram when SIGTERM comes.
The booking's row goes back to the outbox and the next start finishes it; the message
that was cut off may have arrived (it did: Telegram got it), so it is never sent again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.enums import Channel, OutboxKind, OutboxStatus
from domain.models import OutboxEntry
from storage.uow import Database
from tests.support.factories import (
    make_booking,
    make_client,
    make_identity,
    make_reader,
    make_service,
    seed,
)
from tests.support.fakes.telegram_api import TelegramApiFake

pytestmark = pytest.mark.xdist_group("serve-subprocess")

CHAT_ID = 424242
STOP_BUDGET_SECONDS = 5.0


async def a_confirmed_telegram_booking(database_url: str) -> str:
    """A Telegram client's booking tomorrow, its confirmation row due: the row's key."""
    database = Database.from_url(database_url)
    reader = make_reader()
    service = make_service(reader)
    client = make_client()
    identity = make_identity(
        client=client, channel=Channel.TELEGRAM, external_user_id=str(CHAT_ID), chat_id=str(CHAT_ID)
    )
    tomorrow = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    booking = make_booking(service, client, tomorrow, source_channel=Channel.TELEGRAM)
    await seed(database.uows, reader, service, client, identity, booking)
    key = f"{OutboxKind.BOOKING_CONFIRMED.value}:{booking.id}:0"
    payload = {"booking_id": str(booking.id), "status": booking.status.value}
    async with database.uows() as uow:
        await uow.outbox.add(
            OutboxEntry(key=key, kind=OutboxKind.BOOKING_CONFIRMED, payload=payload),
            datetime.now(UTC),
        )
        await uow.commit()
    await database.dispose()
    return key


async def outbox_row(database_url: str, key: str) -> OutboxEntry:
    database = Database.from_url(database_url)
    async with database.uows(read_only=True) as uow:
        entry = await uow.outbox.get_by_key(key)
    await database.dispose()
    assert entry is not None
    return entry


@pytest.fixture
def telegram() -> Iterator[TelegramApiFake]:
    with TelegramApiFake() as fake:
        yield fake


def start_serve(
    database_url: str, var_dir: Path, telegram: TelegramApiFake
) -> subprocess.Popen[bytes]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SAMIA_", "PREFECT_"))},
        "SAMIA_DATABASE_URL": database_url,
        "SAMIA_VAR_DIR": str(var_dir),
        "SAMIA_TELEGRAM_BOT_TOKEN": telegram.token,
        "SAMIA_TELEGRAM_WEBHOOK_SECRET": "serve-stop-secret",
        "SAMIA_TELEGRAM_API_URL": f"{telegram.url}/bot",
    }
    with (var_dir.parent / "serve.log").open("ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "serve", "--port", "0"],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its children (worker, Prefect API) are in its group
        )


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (the worker and Prefect's API)."""
    found: set[int] = set()
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        for token in child.read_text().split():
            found |= {int(token)} | descendants(int(token))
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def stop_and_time(serve: subprocess.Popen[bytes]) -> tuple[float, set[int]]:
    children = descendants(serve.pid)
    started = time.monotonic()
    serve.send_signal(signal.SIGTERM)
    try:
        serve.wait(timeout=30)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
    return time.monotonic() - started, {pid for pid in children if alive(pid)}


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
async def test_serve_stops_mid_send_within_five_seconds_and_never_sends_twice(
    database_url: str, tmp_path: Path, telegram: TelegramApiFake
) -> None:
    key = await a_confirmed_telegram_booking(database_url)
    # Telegram answers after 4.5 s today: longer than a stopping worker waits for a send.
    in_flight = telegram.hold_next("sendMessage", seconds=4.5)

    serve = start_serve(database_url, tmp_path / "var", telegram)
    try:
        assert await asyncio.to_thread(in_flight.wait, 90), "the worker never sent"
        took, left_running = stop_and_time(serve)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)

    said = (tmp_path / "serve.log").read_text()[-3000:]
    assert took < STOP_BUDGET_SECONDS, f"samia serve took {took:.1f} s to stop:\n{said}"
    assert left_running == set(), "the worker or Prefect's API outlived the server"
    released = await outbox_row(database_url, key)
    assert released.status is OutboxStatus.PENDING, said  # due now, not leased for 10 min
    assert released.attempts == 0  # nothing failed
    assert len(telegram.wait_for("sendMessage", within=5)) == 1  # it reached Telegram

    again = start_serve(database_url, tmp_path / "var", telegram)
    try:
        for _ in range(900):
            if (await outbox_row(database_url, key)).status is OutboxStatus.DONE:
                break
            await asyncio.sleep(0.1)
    finally:
        stop_and_time(again)

    said = (tmp_path / "serve.log").read_text()[-3000:]
    assert (await outbox_row(database_url, key)).status is OutboxStatus.DONE, said
    assert len(telegram.sent(CHAT_ID)) == 1  # never twice
    notice = await outbox_row(database_url, f"notice:{key}")
    assert notice.status is OutboxStatus.DEAD  # for an operator: it may have arrived
    assert "not resent" in (notice.last_error or "")
