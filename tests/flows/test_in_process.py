"""Flows inside the hub's process on Prefect's local API: the dispatcher and `samia flows run`.

These use the session's Prefect harness (a real local API), so they are few.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from connectors.errors import TransientConnectorError
from domain.enums import BookingStatus
from domain.ports.notify import NoticeKind
from flows._deps import use_deps
from flows.local_api import LEAN_LOCAL_API
from flows.outbox import process_outbox
from hub.app import create_app
from hub.cli import app as cli
from hub.dispatcher import DispatcherOptions, FlowDispatcher
from hub.runtime import build_runtime
from hub.settings import load_settings
from tests.flows.conftest import World
from tests.support.factories import make_booking, make_client, make_reader, make_service

# One xdist worker runs every test that needs the local API, so it starts once.
pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.xdist_group("prefect")]


async def test_the_dispatcher_delivers_the_join_link_within_a_second(
    world: World, tmp_path: Path
) -> None:
    options = DispatcherOptions(poll_seconds=0.05, schedules={}, start_api=False)
    dispatcher = FlowDispatcher(world.deps(), var_dir=tmp_path, options=options)
    await dispatcher.start()
    try:
        await asyncio.wait_for(dispatcher.ready.wait(), 5)
        booking = await world.book(world.clock.now() + timedelta(days=2))
        confirmed = time.perf_counter()
        while not world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED):
            assert time.perf_counter() - confirmed < 10, "no confirmation"
            await asyncio.sleep(0.01)
        latency = world.notifier.sent[0].at - confirmed
    finally:
        await dispatcher.stop()

    [told] = world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED, booking_id=booking.id)
    assert told.notice.params["meeting_url"]
    assert latency < 3.0
    # The warm-up run at start found nothing; exactly one run carried the booking.
    assert [result for name, _, result in dispatcher.runs if result] == [{"done": 1}]


async def book_one_after_another(world: World, count: int) -> None:
    """Book, wait for the confirmation to go out, book the next."""
    for n in range(1, count + 1):
        await world.book(world.clock.now() + timedelta(days=1 + n))
        booked = time.perf_counter()
        while len(world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED)) < n:
            assert time.perf_counter() - booked < 10, "no confirmation"
            await asyncio.sleep(0.01)


async def test_the_dispatchers_runs_share_one_prefect_client(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import PrefectClient, SyncPrefectClient

    built: list[str] = []
    for client_class in (PrefectClient, SyncPrefectClient):
        original = client_class.__init__

        def counting(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            built.append(type(self).__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(client_class, "__init__", counting)
    options = DispatcherOptions(
        poll_seconds=0.05, schedules={}, start_api=False, keep_going_seconds=0
    )
    dispatcher = FlowDispatcher(world.deps(), var_dir=tmp_path, options=options)
    await dispatcher.start()
    try:
        await asyncio.wait_for(dispatcher.ready.wait(), 5)
        built_at_start = len(built)
        await book_one_after_another(world, 3)
    finally:
        await dispatcher.stop()

    assert sum(1 for _, _, result in dispatcher.runs if result) == 3
    assert len(built) == built_at_start, built[built_at_start:]


async def test_a_steady_stream_of_bookings_shares_one_flow_run(
    world: World, tmp_path: Path
) -> None:
    options = DispatcherOptions(
        poll_seconds=0.5, schedules={}, start_api=False, keep_going_seconds=30
    )
    dispatcher = FlowDispatcher(world.deps(), var_dir=tmp_path, options=options)
    await dispatcher.start()
    try:
        await asyncio.wait_for(dispatcher.ready.wait(), 5)
        # Each booking comes due while the run that took the one before is still looking.
        await book_one_after_another(world, 3)
        stop_asked = time.perf_counter()
    finally:
        await dispatcher.stop()
    stopped_within = time.perf_counter() - stop_asked

    assert [result for _, _, result in dispatcher.runs if result] == [{"done": 3}]
    assert stopped_within < 2.0, "a run that keeps going ends when the process stops"


def seed_lapsed_hold(database_url: str) -> str:
    async def seed() -> str:
        settings = load_settings(database_url=database_url)
        runtime = await build_runtime(settings)
        reader = make_reader()
        service = make_service(reader)
        client = make_client()
        now = runtime.clock.now()
        hold = make_booking(
            service,
            client,
            now + timedelta(days=2),
            status=BookingStatus.HELD,
            hold_expires_at=now - timedelta(minutes=1),
        )
        async with runtime.database.uows() as uow:
            await uow.readers.add(reader)
            await uow.services.add(service)
            await uow.clients.add(client)
            await uow.bookings.add(hold)
            await uow.commit()
        await runtime.close()
        return str(hold.id)

    return asyncio.run(seed())


def hold_status(database_url: str, hold_id: str) -> BookingStatus:
    import uuid

    from storage.uow import Database

    async def read() -> BookingStatus:
        database = Database.from_url(database_url)
        async with database.uows() as uow:
            found = await uow.bookings.get(uuid.UUID(hold_id))
        await database.dispose()
        assert found is not None
        return found.status

    return asyncio.run(read())


def test_the_app_runs_scheduled_flows_in_process(database_url: str, tmp_path: Path) -> None:
    hold_id = seed_lapsed_hold(database_url)
    settings = load_settings(database_url=database_url, var_dir=tmp_path)
    runtime = asyncio.run(build_runtime(settings))
    options = DispatcherOptions(
        poll_seconds=0.05, schedules={"expire-holds": timedelta(hours=1)}, start_api=False
    )
    with TestClient(create_app(settings, runtime=runtime, flows=options)) as http:
        deadline = time.monotonic() + 20
        while hold_status(database_url, hold_id) is BookingStatus.HELD:
            assert time.monotonic() < deadline, "expire-holds never ran"
            time.sleep(0.1)
        assert http.app.state.dispatcher is not None  # type: ignore[attr-defined]
    asyncio.run(runtime.close())

    assert hold_status(database_url, hold_id) is BookingStatus.EXPIRED


def test_samia_flows_run_runs_one_flow_now(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold_id = seed_lapsed_hold(database_url)
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    monkeypatch.setenv("SAMIA_VAR_DIR", str(tmp_path))
    # The command sets Prefect defaults in the environment; keep them out of later tests.
    for name, value in {"PREFECT_HOME": str(tmp_path / "prefect"), **LEAN_LOCAL_API}.items():
        monkeypatch.setenv(name, os.environ.get(name, value))

    result = CliRunner().invoke(cli, ["flows", "run", "expire-holds"])

    assert result.exit_code == 0, result.output
    assert "expire-holds: 1" in result.output
    assert hold_status(database_url, hold_id) is BookingStatus.EXPIRED


def test_samia_flows_run_refuses_an_unknown_flow() -> None:
    result = CliRunner().invoke(cli, ["flows", "run", "make-coffee"])

    assert result.exit_code == 2


async def test_a_short_retry_after_is_waited_out_inside_the_run(world: World) -> None:
    world.calendar.fail_next(
        1, TransientConnectorError("slow down", provider="google", status=429, retry_after=0.4)
    )
    await world.book(world.clock.now() + timedelta(days=2))
    with use_deps(world.deps()):
        started = time.perf_counter()
        result = await process_outbox()
        elapsed = time.perf_counter() - started

    assert result == {"done": 1}  # retried by Prefect in the same run, not sent back
    assert elapsed >= 0.4
    assert len(world.calendar.live_events()) == 1


async def test_a_long_retry_after_goes_back_to_the_outbox_untried(world: World) -> None:
    world.calendar.fail_next(
        1, TransientConnectorError("quota", provider="google", status=429, retry_after=120)
    )
    await world.book(world.clock.now() + timedelta(days=2))
    with use_deps(world.deps()):
        assert await process_outbox() == {"retry_later": 1}

    assert len(world.calendar.calls_to("create_event")) == 1


async def test_samia_flows_work_expires_lapsed_holds_in_its_own_process(
    database_url: str, tmp_path: Path
) -> None:
    from prefect.settings import PREFECT_API_URL

    from hub.flow_worker import FlowWorkerProcess, WorkerState, settings_environment

    hold_id = await asyncio.to_thread(seed_lapsed_hold, database_url)
    settings = load_settings(database_url=database_url, var_dir=tmp_path)
    # The child uses the session's local API rather than starting its own.
    environment = settings_environment(settings) | {"PREFECT_API_URL": str(PREFECT_API_URL.value())}
    worker = FlowWorkerProcess(settings, environment=environment)
    await worker.start()
    try:
        deadline = time.monotonic() + 60
        while worker.state is not WorkerState.READY:
            assert time.monotonic() < deadline, "the worker never said it was ready"
            await asyncio.sleep(0.1)
        # expire-holds runs at start, then on its timer: the hold is released without us.
        while await asyncio.to_thread(hold_status, database_url, hold_id) is BookingStatus.HELD:
            assert time.monotonic() < deadline, "expire-holds never ran in the worker"
            await asyncio.sleep(0.1)
    finally:
        await worker.stop(grace=20)

    assert worker.restarts == 0
    assert await asyncio.to_thread(hold_status, database_url, hold_id) is BookingStatus.EXPIRED
