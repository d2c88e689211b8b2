"""Webhook ingest: how fast `samia serve` acknowledges signed Telegram and Slack deliveries.

Starts, on loopback, in separate processes: the Telegram and Slack API fakes (our replies
go there), `samia serve` on a fresh SQLite database, and a bare Starlette endpoint that
only answers 200. A load generator (httpx, async) then sends signed Telegram updates and
Slack events from many simulated users:

1. a fixed rate (default 300 events/s) for a fixed time: acknowledge latency p50 / p99;
2. as fast as it can, with a fixed number of connections, for a fixed time: sustained
   events/s, against the hub and against the bare endpoint, and their ratio.

Everything is bounded in count and time and stops by itself.

    .venv/bin/python bench/webhook_ingest.py [--rate 300] [--seconds 10] [--users 500]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._webhook_load import (  # noqa: E402
    SLACK_SECRET,
    SLACK_TOKEN,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    Request,
    Result,
    deliveries,
    fixed_rate,
    flat_out,
)

# -- helper processes ------------------------------------------------------------------------


def serve_fakes() -> None:
    """Child process: the vendor fakes, until stdin closes."""
    from tests.support.fakes import SlackApiFake, TelegramApiFake

    with TelegramApiFake() as tg, SlackApiFake() as slack:
        print(json.dumps({"telegram": tg.url, "slack": slack.url}), flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # `stop` ends us with SIGINT
            sys.stdin.read()


def serve_bare(port: int) -> None:
    """Child process: the baseline, a Starlette route that answers 200 and does nothing."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def ok(request: Any) -> Response:
        await request.body()  # read it, as the hub does
        return Response(status_code=200)

    app = Starlette(
        routes=[
            Route("/webhooks/{name}", ok, methods=["POST"]),
            Route("/healthz", ok, methods=["GET"]),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """End one process we started: SIGINT (graceful), then kill after a grace period."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


async def wait_ready(url: str, seconds: float = 120.0, *, flows: bool = False) -> None:
    """Until `url` answers 200 (and, for the hub, its flows worker is up: steady state)."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as client:
        while True:
            with contextlib.suppress(httpx.HTTPError, ValueError):
                response = await client.get(url)
                if response.status_code == 200 and (
                    not flows or response.json().get("flows") == "ready"
                ):
                    return
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not come up in {seconds:.0f}s")
            await asyncio.sleep(0.2)


def processed(db: Path) -> tuple[int, int, int]:
    """(recorded, processed, replies sent) so far, read from the hub's database."""
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        recorded, done = conn.execute(
            "SELECT COUNT(*), COUNT(processed_at) FROM inbound_events"
        ).fetchone()
        sent = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'done'").fetchone()[0]
    return int(recorded), int(done), int(sent)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spawn(argv: list[str], **kwargs: object) -> subprocess.Popen[str]:
    """Start one helper process (ours: stopped by `stop`)."""
    return subprocess.Popen(argv, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


async def measure_bare(
    bare: str, source: Iterator[Request], args: argparse.Namespace
) -> tuple[Result, Result]:
    await wait_ready(f"{bare}/healthz")
    return (
        await fixed_rate(bare, source, args.rate, args.seconds),
        await flat_out(bare, source, args.connections, args.seconds),
    )


async def measure_hub(
    hub: str, pid: int, source: Iterator[Request], args: argparse.Namespace
) -> tuple[Result, Result, float]:
    await wait_ready(f"{hub}/healthz", flows=True)
    await fixed_rate(hub, source, 50, 2)  # warm-up: connections, caches, first turns
    await asyncio.sleep(2)
    cpu_before = cpu_seconds(pid)
    steady = await fixed_rate(hub, source, args.rate, args.seconds)
    hub_cpu = cpu_seconds(pid) - cpu_before
    return steady, await flat_out(hub, source, args.connections, args.seconds), hub_cpu


def run(args: argparse.Namespace) -> int:
    from bench._seed import seed_readers, utc_now
    from storage.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="samia-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        upgrade(f"sqlite:///{db}")
        seed_readers(f"sqlite:///{db}", utc_now())
        fakes = spawn(
            [sys.executable, __file__, "--fakes"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=REPO,
        )
        children: list[subprocess.Popen[str]] = []
        log = (Path(tmp) / "hub.log").open("w")
        try:
            assert fakes.stdout is not None
            urls = json.loads(fakes.stdout.readline())
            hub_port, bare_port = free_port(), free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith("SAMIA_")} | {
                "PYTHONPATH": str(REPO),
                "SAMIA_DATABASE_URL": f"sqlite:///{db}",
                "SAMIA_VAR_DIR": tmp,
                "SAMIA_TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
                "SAMIA_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
                "SAMIA_TELEGRAM_API_URL": f"{urls['telegram']}/bot",
                "SAMIA_SLACK_BOT_TOKEN": SLACK_TOKEN,
                "SAMIA_SLACK_SIGNING_SECRET": SLACK_SECRET,
                "SAMIA_SLACK_API_URL": f"{urls['slack']}/api/",
            }
            source = deliveries(args.users)
            # The baseline first, alone; then the hub, alone.
            bare_process = spawn([sys.executable, __file__, "--bare", str(bare_port)], cwd=REPO)
            children.append(bare_process)
            bare_steady, bare_max = asyncio.run(
                measure_bare(f"http://127.0.0.1:{bare_port}", source, args)
            )
            stop(bare_process)
            hub_process = spawn(
                [sys.executable, "-m", "hub.cli", "serve", "--port", str(hub_port)],
                env=env,
                cwd=tmp,
                stdout=log,
                stderr=log,
            )
            children.append(hub_process)
            steady, hub_max, hub_cpu = asyncio.run(
                measure_hub(f"http://127.0.0.1:{hub_port}", hub_process.pid, source, args)
            )
            recorded, done, sent = processed(db)
        finally:
            for child in reversed(children):
                stop(child)
            if fakes.stdin is not None:
                with contextlib.suppress(OSError):
                    fakes.stdin.close()
            stop(fakes)
            log.close()

    ratio = hub_max.rate / bare_max.rate if bare_max.rate else 0.0
    print(
        f"webhook ingest on loopback, {args.users} users, half Telegram / half Slack, "
        f"SQLite, {os.cpu_count()} CPUs"
    )
    print(
        f"  hub  at {args.rate:.0f}/s for {args.seconds:.0f}s: sent {len(steady.latencies)} "
        f"({steady.rate:.0f}/s achieved), errors {steady.errors}, "
        f"ack p50 {ms(steady.pct(0.5))}, p99 {ms(steady.pct(0.99))}"
    )
    print(
        f"  bare at {args.rate:.0f}/s for {args.seconds:.0f}s: "
        f"ack p50 {ms(bare_steady.pct(0.5))}, p99 {ms(bare_steady.pct(0.99))}"
    )
    print(
        f"  hub  flat out, {args.connections} connections: {hub_max.rate:.0f} events/s, "
        f"errors {hub_max.errors}, p50 {ms(hub_max.pct(0.5))}, p99 {ms(hub_max.pct(0.99))}"
    )
    print(
        f"  bare flat out, {args.connections} connections: {bare_max.rate:.0f} events/s, "
        f"p50 {ms(bare_max.pct(0.5))}, p99 {ms(bare_max.pct(0.99))}"
    )
    print(f"  hub / bare sustained throughput: {ratio:.2f} (target >= 0.33)")
    print(f"  ack p99 at {args.rate:.0f}/s: {ms(steady.pct(0.99))} (target < 100 ms)")
    print(
        f"  hub CPU during the {args.rate:.0f}/s phase: {hub_cpu / steady.elapsed:.0%} of one "
        f"core (acknowledgements and background turns together)"
    )
    print(
        f"  in the background meanwhile: {recorded} recorded, {done} processed, {sent} replies "
        f"sent (Telegram replies are held to ~30/s overall, by design)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--fakes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fakes:
        serve_fakes()
        return 0
    if args.bare:
        serve_bare(args.bare)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
