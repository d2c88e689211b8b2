"""The people of bench/chat_turns.py: web chat booking conversations over HTTP.

They run in their own processes, as people are on their own devices. One Python process
driving 50 connections, in the process that also seeded a million bookings, measured
itself: its garbage collector scanned the seeded heap and its one event loop left
answers unread, which added up to 2 s to a turn the server had answered in 10 ms
(each turn's `Server-Timing` header showed it). Fresh processes measure the server.
"""

from __future__ import annotations

import asyncio
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from typing import Any

import httpx


@dataclass
class Turns:
    """Each turn's time as the person saw it, and the engine's share of it (seconds)."""

    seen: list[float] = field(default_factory=list)
    engine: list[float] = field(default_factory=list)

    def extend(self, other: Turns) -> None:
        self.seen += other.seen
        self.engine += other.engine


def _engine_seconds(response: httpx.Response) -> float:
    timing = response.headers.get("server-timing", "")
    _, found, duration = timing.partition("dur=")
    return float(duration) / 1000 if found else float("nan")


async def _conversations(
    base: str, conversations: int, concurrency: int, offset: int, think: float
) -> Turns:
    """`conversations` bookings, `concurrency` at a time; `think` is the mean pause."""
    turns = Turns()
    rng = random.Random(offset)
    gate = asyncio.Semaphore(concurrency)
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends: reusing one the
    # server is closing at that instant fails the POST (httpx does not retry a POST).
    limits = httpx.Limits(max_connections=concurrency, keepalive_expiry=3.0)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:

        async def post(session: str | None, **body: str) -> dict[str, Any]:
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            started = time.perf_counter()
            known = {"session": session} if session else {}  # the server issues one
            response = await http.post("/api/v1/chat", json={**known, **body})
            turns.seen.append(time.perf_counter() - started)
            turns.engine.append(_engine_seconds(response))
            response.raise_for_status()
            answer: dict[str, Any] = response.json()
            return answer

        def action(answer: dict[str, Any], marker: str) -> str:
            return next(
                c["action"]
                for r in answer["replies"]
                for c in r["choices"]
                if marker in c["action"]
            )

        async def one(i: int) -> None:
            async with gate:
                today = datetime.now(UTC)
                day = (today + timedelta(days=1 + (offset + i) % 300)).date().isoformat()
                first = await post(None, text="book with Rose", timezone="America/New_York")
                session = first["session"]
                answer = await post(session, action=f"bk:day:{day}")
                for _attempt in range(5):
                    answer = await post(session, action=action(answer, ":slot:"))
                    if "taken" not in answer["replies"][0]["text"]:
                        break
                await post(session, text=f"Client {i}")
                answer = await post(session, text=f"http{offset + i}@bench.example")
                answer = await post(session, action=action(answer, ":confirm:"))
                assert answer["replies"][0]["text"].startswith("Booked"), answer

        await asyncio.gather(*(one(i) for i in range(conversations)))
    return turns


def _people(base: str, conversations: int, concurrency: int, offset: int, think: float) -> Turns:
    return asyncio.run(_conversations(base, conversations, concurrency, offset, think))


def _ready() -> None:
    """A no-op: the pool's processes are started (and imported) before the clock starts."""


def http_conversations(
    base: str,
    conversations: int,
    concurrency: int,
    *,
    offset: int,
    think: float = 0.0,
    processes: int = 2,
) -> tuple[Turns, float]:
    """All turns and the conversations per second, from `processes` client processes."""
    processes = max(1, min(processes, concurrency))
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        for waiting in [pool.submit(_ready) for _ in range(processes)]:
            waiting.result()
        started = time.perf_counter()
        sizes = [
            conversations // processes + (k < conversations % processes) for k in range(processes)
        ]
        # Consecutive offsets: each conversation books its own day, as in one process.
        starts = [offset + sum(sizes[:k]) for k in range(processes)]
        shares = [
            pool.submit(
                _people,
                base,
                sizes[k],
                concurrency // processes + (k < concurrency % processes),
                starts[k],
                think,
            )
            for k in range(processes)
        ]
        turns = Turns()
        for share in shares:
            turns.extend(share.result())
        elapsed = time.perf_counter() - started
    return turns, conversations / elapsed
