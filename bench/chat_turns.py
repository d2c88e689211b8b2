"""Chat turns: engine in-process and POST /api/v1/chat on a running server, at scale.

Seeds 100k clients and 1M past bookings, then runs complete booking conversations. Prints
p50/p99 per turn, conversations per second, slot-search time at 10k and 1M bookings, the
server's peak RSS and the CPU each server process spends per turn.

    .venv/bin/python bench/chat_turns.py [--clients 100000] [--bookings 1000000]
    .venv/bin/python bench/chat_turns.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/chat_turns.py --database URL   # seeded once, kept, measured again
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._chat_load import Turns, http_conversations
from bench._seed import scratch_database, seed_bookings, seed_clients, seed_readers, utc_now
from bots.engine import InboundEvent
from domain.booking.queries import free_slots
from domain.enums import Channel
from hub.runtime import build_runtime
from hub.settings import load_settings
from storage.db import create_engine
from storage.migrate import upgrade


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spread(turns: Turns) -> str:
    """p50 and p99 as people saw them, and of the engine's share (Server-Timing)."""
    seen, engine = turns.seen, turns.engine
    return (
        f"p50 {ms(pct(seen, 0.5))}, p99 {ms(pct(seen, 0.99))} "
        f"(p99/p50 {pct(seen, 0.99) / pct(seen, 0.5):.1f}; engine p50 {ms(pct(engine, 0.5))}, "
        f"p99 {ms(pct(engine, 0.99))})"
    )


async def slot_search_time(url: str, service_id, repeats: int = 50) -> float:  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=url)
    runtime = await build_runtime(settings)
    day = (utc_now() + timedelta(days=3)).date()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        await free_slots(
            uow=runtime.database.uows(),
            now=utc_now(),
            service_id=service_id,
            client_zone="Europe/London",
            client_day=day,
        )
        timings.append(time.perf_counter() - started)
    await runtime.close()
    return statistics.median(timings)


# People of this run: new to a kept database (`--database`) that earlier runs booked in.
RUN = random.randrange(1, 1000)


def has_clients(url: str) -> bool:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text("SELECT 1 FROM clients LIMIT 1")).first()
    engine.dispose()
    return found is not None


async def engine_conversations(
    url: str, conversations: int, *, run: int = 0
) -> tuple[list[float], float]:
    """Telegram-style clients (name known) book end to end through the engine."""
    runtime = await build_runtime(load_settings(database_url=url))
    turns: list[float] = []

    async def turn(event: InboundEvent):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        replies = await runtime.engine.handle(event)
        turns.append(time.perf_counter() - started)
        return replies

    started = time.perf_counter()
    for i in range(conversations):
        user = f"bench-{run}-{i}"
        common = {
            "channel": Channel.TELEGRAM,
            "chat_id": user,
            "user_ref": user,
            "display_name": f"Bench {i}",
        }
        day = (utc_now() + timedelta(days=1 + i % 200)).date().isoformat()
        await turn(InboundEvent.from_text(text="book with Samia", **common))
        replies = await turn(InboundEvent.from_action(payload=f"bk:day:{day}", **common))
        slot = next(c.action for r in replies for c in r.choices if ":slot:" in c.action)
        replies = await turn(InboundEvent.from_action(payload=slot, **common))
        confirm = next(c.action for r in replies for c in r.choices if ":confirm:" in c.action)
        replies = await turn(InboundEvent.from_action(payload=confirm, **common))
        assert replies[0].text.startswith("Booked"), replies[0].text
    elapsed = time.perf_counter() - started
    await runtime.close()
    return turns, conversations / elapsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> list[int]:
    """Processes started by `pid`, and theirs (the flows worker, Prefect's local API)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def child_name(pid: int) -> str:
    words = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    return " ".join(w for w in words[1:5] if w)


def wait_until_serving(base: str, *, flows_wanted: bool, seconds: float = 120.0) -> None:
    """Measure the steady state: the server answers and, if it runs flows, they are up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            health = httpx.get(f"{base}/healthz", timeout=1).json()
            if not flows_wanted or health.get("flows") == "ready":
                return
        except (httpx.TransportError, ValueError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server at {base} was not ready within {seconds:.0f} s")


def process_role(command: str) -> str:
    return "flows worker" if "flows" in command else "Prefect API"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU the process has used so far (from /proc, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_processes() -> list[int]:
    """PostgreSQL's server processes on this machine (its CPU counts when it runs here)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
    return found


def cpu_snapshot(server_pid: int) -> dict[int, float]:
    snapshot = {}
    for pid in [server_pid, *descendants(server_pid), *postgres_processes()]:
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            snapshot[pid] = cpu_seconds(pid)
    return snapshot


def cpu_per_turn(before: dict[int, float], server_pid: int, turns: int) -> str:
    """CPU each server process spent per turn during a phase: where the capacity goes."""
    after = cpu_snapshot(server_pid)
    postgres = set(postgres_processes())
    spent: dict[str, float] = {}
    for pid, used in after.items():
        if pid == server_pid:
            name = "web"
        elif pid in postgres:
            name = "PostgreSQL (all its processes)"
        else:
            name = process_role(child_name(pid))
        spent[name] = spent.get(name, 0.0) + used - before.get(pid, 0.0)
    parts = [
        f"{name} {seconds * 1000 / turns:.1f} ms"
        for name, seconds in spent.items()
        if seconds or not name.startswith("PostgreSQL")  # not there on SQLite
    ]
    return "CPU per turn: " + ", ".join(parts)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--engine-conversations", type=int, default=300)
    parser.add_argument("--http-conversations", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--client-processes",
        type=int,
        default=2,
        help=(
            "processes the people run in when saturating (one process's event loop queues "
            "answers above ~200 turns/s: p99 908 ms where the engine's p99 was 187 ms)"
        ),
    )
    parser.add_argument(
        "--flows",
        choices=("worker", "inline", "off"),
        default="worker",
        help="SAMIA_FLOWS of the server: a child process (default), its own loop, or none",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on a scratch database on this PostgreSQL server instead of SQLite",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help=(
            "a database kept between runs: seeded on the first (when it has no clients), "
            "measured as it is after, each run's people new to it"
        ),
    )
    parser.add_argument("--server-log", help="write the server's stderr to this file")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a person takes between messages"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with contextlib.ExitStack() as scope:
        folder = Path(scope.enter_context(tempfile.TemporaryDirectory(prefix="samia-var-")))
        if args.database:
            url = args.database
            upgrade(url)
            print(f"database: {make_url(url).get_backend_name()}, kept at {url}")
            if not has_clients(url):
                seed_and_search(url, args)
        else:
            url = scratch_database(scope, args.postgres)
            seed_and_search(url, args)
        turns, rate = asyncio.run(engine_conversations(url, args.engine_conversations, run=RUN))
        print(
            f"engine in-process: {args.engine_conversations} conversations, {len(turns)} "
            f"turns, p50 {ms(pct(turns, 0.5))}, p99 {ms(pct(turns, 0.99))}, "
            f"{rate:.1f} conversations/s"
        )
        serve_and_measure(url, folder, args)


def seed_and_search(url: str, args: argparse.Namespace) -> None:
    """Seed clients and bookings; slot search timed at 10k bookings and again at the end."""
    now = utc_now()
    started = time.perf_counter()
    readers = seed_readers(url, now)
    clients = seed_clients(url, args.clients, now)
    seed_bookings(url, readers, clients, 10_000, now)
    search_10k = asyncio.run(slot_search_time(url, readers[0][1]))
    seed_bookings(url, readers, clients, args.bookings - 10_000, now - timedelta(days=3650), 2)
    print(
        f"seeded {args.clients:,} clients and {args.bookings:,} bookings "
        f"in {time.perf_counter() - started:.0f} s"
    )
    search_1m = asyncio.run(slot_search_time(url, readers[0][1]))
    print(
        f"slot search (one day, median): {ms(search_10k)} at 10k bookings, "
        f"{ms(search_1m)} at {args.bookings:,} ({search_1m / search_10k:.2f}x)"
    )


def serve_and_measure(url: str, folder: Path, args: argparse.Namespace) -> None:
    """`samia serve` on the seeded database, then people typing, then flat out."""
    port = free_port()
    env = {
        **os.environ,
        "SAMIA_DATABASE_URL": url,
        "SAMIA_VAR_DIR": str(folder),
        "SAMIA_FLOWS": args.flows,
    }
    env.pop("SAMIA_SECRET_KEY", None)
    server_log = open(args.server_log, "w") if args.server_log else subprocess.DEVNULL  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve", "--port", str(port)],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=server_log,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, flows_wanted=args.flows != "off")
        http_conversations(base, 20, 10, offset=RUN * 10_000_000 + 1_000_000)  # warm-up
        before = cpu_snapshot(server.pid)
        turns, rate = http_conversations(
            base,
            args.http_conversations,
            args.concurrency,
            offset=RUN * 10_000_000,
            think=args.think,
            processes=1,  # 7 conversations/s is far from one process's limit
        )
        print(
            f"HTTP /api/v1/chat, people typing ({args.think:.1f} s mean pause): "
            f"{args.http_conversations} conversations, {args.concurrency} concurrent, "
            f"{len(turns.seen)} turns, {spread(turns)}, {rate:.1f} conversations/s"
        )
        print(f"  {cpu_per_turn(before, server.pid, len(turns.seen))}")
        before = cpu_snapshot(server.pid)
        turns, rate = http_conversations(
            base,
            args.http_conversations,
            args.concurrency,
            offset=RUN * 10_000_000 + 100_000,
            think=0.0,
            processes=args.client_processes,
        )
        print(
            f"HTTP /api/v1/chat, saturated (no pause): {args.concurrency} concurrent, "
            f"{len(turns.seen)} turns, {spread(turns)}, {rate:.1f} conversations/s, "
            f"{len(turns.seen) / (args.http_conversations / rate):.0f} turns/s"
        )
        print(f"  {cpu_per_turn(before, server.pid, len(turns.seen))}")
        print(f"server peak RSS: {peak_rss_mb(server.pid):.0f} MB (the web process)")
        for child in descendants(server.pid):
            print(f"  and its child {child_name(child)}: peak RSS {peak_rss_mb(child):.0f} MB")
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print("server did not stop within 60 s of SIGTERM; killed")
            server.kill()


if __name__ == "__main__":
    main()
