"""Confirmations through the flows: join-link latency, throughput, API calls, Prefect overhead.

Runs the hub's in-process dispatcher (Prefect's local API, started once) against the
loopback Google Calendar and Zoom fakes with the real connectors, and a notifier that
timestamps delivery. Bookings are confirmed through the booking service at a steady rate
(latency), then in one burst (capacity). Offline; everything is on 127.0.0.1.

    .venv/bin/python bench/confirmations.py [--paced 500] [--rate 10] [--burst 500]
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

TMP = Path(tempfile.mkdtemp(prefix="samia-bench-"))
# Registered first, so it runs last: after Prefect's own exit handler stops the local API.
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
# Prefect reads its settings at import: the local API lives in the temp dir, lean.
os.environ.setdefault("PREFECT_HOME", str(TMP / "prefect"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.local_api import LEAN_LOCAL_API  # noqa: E402

for _name, _value in LEAN_LOCAL_API.items():
    os.environ.setdefault(_name, _value)

from pydantic import SecretStr  # noqa: E402

from bench._seed import seed_clients, seed_readers, utc_now  # noqa: E402
from connectors.calendar.google import GoogleCalendar  # noqa: E402
from connectors.meetings.zoom import ZoomMeetings  # noqa: E402
from connectors.settings import ZoomSettings  # noqa: E402
from domain.booking.calendar_sync import sync_reader_calendar  # noqa: E402
from domain.booking.service import HoldRequest, confirm_booking, hold_slot  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.enums import Channel  # noqa: E402
from domain.ports.notify import NoticeKind  # noqa: E402
from flows._deps import FlowDeps, RunPolicy, use_deps  # noqa: E402
from flows.local_api import start_local_api  # noqa: E402
from hub.dispatcher import DispatcherOptions, FlowDispatcher  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import Database  # noqa: E402
from tests.support.accounts import StaticAccounts  # noqa: E402
from tests.support.fakes.google_calendar_api import GoogleCalendarApiFake  # noqa: E402
from tests.support.fakes.zoom_api import ZoomApiFake  # noqa: E402
from tests.support.notifier import FakeNotifier  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Bench:
    def __init__(self, url: str, google: GoogleCalendarApiFake, zoom: ZoomApiFake) -> None:
        self.database = Database.from_url(url)
        self.clock = SystemClock()
        self.google_fake, self.zoom_fake = google, zoom
        self.calendar = GoogleCalendar.for_testing(google.url)
        self.meetings = ZoomMeetings(
            ZoomSettings(
                account_id=zoom.account_id,
                client_id=zoom.client_id,
                client_secret=SecretStr(zoom.client_secret),
                webhook_secret=SecretStr("bench"),
                api_url=f"{zoom.url}/v2/",
                oauth_url=f"{zoom.url}/oauth/token",
            )
        )
        self.notifier = FakeNotifier()
        self.deps = FlowDeps(
            uows=self.database.uows,
            clock=self.clock,
            notifier=self.notifier,
            accounts=StaticAccounts(self.calendar, self.meetings),
            policy=RunPolicy(),
        )
        self.slots: list[tuple[object, object]] = []  # (service_id, start) still free
        self.confirmed: dict[object, float] = {}

    def plan_slots(self, readers: list[tuple[object, object, str]], count: int) -> None:
        """Free half-hours from the day after tomorrow, 10:00-18:00 in each reader's zone."""
        zones = {"samia": "Europe/London", "layla": "Asia/Dubai", "rose": "America/New_York"}
        first = (utc_now() + timedelta(days=2)).date()
        for offset in range(366):
            day = first + timedelta(days=offset)
            for half_hour in range(16):
                for _reader_id, service_id, slug in readers:
                    local = datetime.combine(day, dtime(10), ZoneInfo(zones[slug]))
                    self.slots.append((service_id, local + timedelta(minutes=30 * half_hour)))
            if len(self.slots) >= count:
                return

    async def confirm(self, client_id: object) -> None:
        service_id, start = self.slots.pop(0)
        request = HoldRequest(client_id, service_id, start, "UTC", Channel.WEBCHAT)  # type: ignore[arg-type]
        held = await hold_slot(uow=self.database.uows(), clock=self.clock, request=request)
        await confirm_booking(
            uow=self.database.uows(),
            clock=self.clock,
            hold_id=held.id,
            client_id=held.client_id,
        )
        self.confirmed[held.id] = time.perf_counter()

    async def wait_delivered(self, ids: list[object], within: float) -> None:
        deadline = time.perf_counter() + within
        wanted = set(ids)
        while True:
            got = {s.notice.booking_id for s in self.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED)}
            if wanted <= got:
                return
            if time.perf_counter() > deadline:
                raise SystemExit(f"only {len(wanted & got)} of {len(wanted)} delivered in time")
            await asyncio.sleep(0.05)

    def latencies(self, ids: list[object]) -> list[float]:
        at = {
            s.notice.booking_id: s.at for s in self.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED)
        }
        return [at[i] - self.confirmed[i] for i in ids]


async def paced(bench: Bench, clients: list[object], count: int, rate: float) -> list[object]:
    """Confirm `count` bookings at `rate` per second; return their ids in order."""
    start = time.perf_counter()
    before = set(bench.confirmed)
    for i in range(count):
        target = start + i / rate
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await bench.confirm(clients[i % len(clients)])
    return [b for b in bench.confirmed if b not in before]


async def prefect_overhead(
    bench: Bench, clients: list[object], size: int, rounds: int = 3
) -> tuple[float, float]:
    """Equal batches as a plain coroutine and as a flow run, alternating; medians per booking."""
    from flows.outbox import process_outbox

    timings: dict[str, list[float]] = {"plain": [], "flow": []}
    for _ in range(rounds):
        for label, runner in (("plain", process_outbox.fn), ("flow", process_outbox)):
            for i in range(size):
                await bench.confirm(clients[i % len(clients)])
            started = time.perf_counter()
            await runner()
            timings[label].append((time.perf_counter() - started) / size)
    return statistics.median(timings["plain"]), statistics.median(timings["flow"])


async def empty_flow_run() -> float:
    from flows.outbox import process_outbox

    samples = []
    for _ in range(5):
        started = time.perf_counter()
        await process_outbox()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paced", type=int, default=500, help="bookings at a steady rate")
    parser.add_argument("--rate", type=float, default=10.0, help="confirmations per second")
    parser.add_argument("--burst", type=int, default=500, help="bookings confirmed at once")
    parser.add_argument("--overhead-batch", type=int, default=100)
    args = parser.parse_args()

    url = f"sqlite:///{TMP / 'bench.db'}"
    upgrade(url)
    now = utc_now()
    readers = seed_readers(url, now)
    clients: list[object] = list(seed_clients(url, 2000, now))
    started = time.perf_counter()
    api_url = await asyncio.to_thread(start_local_api)
    print(f"Prefect local API up in {time.perf_counter() - started:.1f} s at {api_url}")

    with GoogleCalendarApiFake() as google, ZoomApiFake() as zoom:
        bench = Bench(url, google, zoom)
        total = args.paced + args.burst + 6 * args.overhead_batch + 10
        bench.plan_slots(readers, total)
        options = DispatcherOptions(schedules={}, start_api=False)

        # 1. Steady arrivals: latency from confirm to the join link in the client's chat.
        dispatcher = FlowDispatcher(bench.deps, var_dir=TMP, options=options)
        await dispatcher.start()
        await dispatcher.ready.wait()
        t0 = time.perf_counter()
        ids = await paced(bench, clients, args.paced, args.rate)
        confirm_s = time.perf_counter() - t0
        await bench.wait_delivered(ids, within=300)
        lat = bench.latencies(ids)
        runs = [r for r in dispatcher.runs if r[0] == "process-outbox" and r[2]]
        await dispatcher.stop()

        # 2. Burst: confirmed while no dispatcher runs, then timed until the last link is out.
        burst = await paced(bench, clients, args.burst, 10_000.0)
        dispatcher = FlowDispatcher(bench.deps, var_dir=TMP, options=options)
        t1 = time.perf_counter()
        await dispatcher.start()
        await bench.wait_delivered(burst, within=900)
        burst_s = time.perf_counter() - t1
        await dispatcher.stop()
        burst_runs = [r for r in dispatcher.runs if r[0] == "process-outbox" and r[2]]

        n = args.paced + args.burst
        inserts = len(google.calls("events.insert"))
        writes = sum(
            len(google.calls(m)) for m in ("events.insert", "events.update", "events.patch")
        )
        zoom_api = [c for c in zoom.calls() if c.method != "token"]
        print(
            f"\n== {n} bookings: {args.paced} confirmed at {args.paced / confirm_s:.1f}/s, "
            f"then {args.burst} at once"
        )
        print(
            f"confirm -> join link in chat: p50 {pct(lat, 0.5) * 1000:.0f} ms, "
            f"p99 {pct(lat, 0.99) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms (target p99 < 3 s)"
        )
        print(
            f"steady arrivals: {len(runs)} process-outbox runs, "
            f"{len(ids) / max(len(runs), 1):.1f} bookings per run"
        )
        print(
            f"burst of {args.burst}: last link out after {burst_s:.1f} s in {len(burst_runs)} runs "
            f"-> {args.burst / burst_s * 60:.0f} bookings/min"
        )
        print(
            f"calendar writes per booking: {writes / n:.3f} (events.insert {inserts}, "
            f"discovery violations {len(google.violations)})"
        )
        print(
            f"Zoom calls per booking: {len(zoom_api) / n:.3f} "
            f"(creates {len(zoom.calls('meetings.create'))}, "
            f"lookups {len(zoom.calls('meetings.list'))}, token fetches {len(zoom.calls('token'))})"
        )
        events = sum(len(google.events(slug)) for _, _, slug in readers)
        print(
            f"events on the calendars: {events}, Zoom meetings: {len(zoom.live_meetings())} "
            f"(for {n} bookings)"
        )

        # 3. Prefect's share: the same batch run as a plain coroutine and as a flow run.
        with use_deps(bench.deps):
            plain, orchestrated = await prefect_overhead(bench, clients, args.overhead_batch)
            empty = await empty_flow_run()
        batch = args.overhead_batch
        print(
            f"per booking in a batch of {batch}: {plain * 1000:.1f} ms without Prefect, "
            f"{orchestrated * 1000:.1f} ms as a flow run"
        )
        print(
            f"Prefect overhead: {(orchestrated - plain) * 1000:.1f} ms per booking "
            f"+ {empty * 1000:.0f} ms per (empty) flow run"
        )

        # 4. Syncing a calendar that did not change.
        reader_id = readers[0][0]
        await sync_reader_calendar(
            uows=bench.database.uows,
            accounts=bench.deps.accounts,
            notifier=bench.notifier,
            clock=bench.clock,
            reader_id=reader_id,
        )
        before = bench.calendar.api_calls
        await sync_reader_calendar(
            uows=bench.database.uows,
            accounts=bench.deps.accounts,
            notifier=bench.notifier,
            clock=bench.clock,
            reader_id=reader_id,
        )
        calls = bench.calendar.api_calls - before
        print(f"sync of an unchanged calendar: {calls} API call(s) (target 1)")
        await bench.meetings.aclose()
        bench.calendar.close()
        await bench.database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
