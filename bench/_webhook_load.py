"""The load generator of bench/webhook_ingest.py: signed deliveries, open and closed loops.

Telegram updates carry the webhook secret header; Slack events are signed (v0) as Slack
signs them. Both loops use one keep-alive connection per sender.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

TELEGRAM_SECRET = "bench-telegram-secret"
SLACK_SECRET = "bench-slack-signing-secret"
TELEGRAM_TOKEN = "123456789:AAE-samia-test-token"  # what TelegramApiFake expects
SLACK_TOKEN = "xoxb-samia-test-token"
TEAM = "T0SAMIA001"
TEXTS = ("hello", "help", "my bookings", "book")


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


def deliveries(users: int) -> Iterator[Request]:
    """Signed deliveries, alternating Telegram and Slack, round-robin over users."""
    for n in itertools.count(1):
        user = n % users
        text = TEXTS[(n // users) % len(TEXTS)]
        if n % 2:
            chat = 100_000 + user
            update = {
                "update_id": n,
                "message": {
                    "message_id": n,
                    "date": int(time.time()),
                    "text": text,
                    "from": {
                        "id": chat,
                        "is_bot": False,
                        "first_name": "Lina",
                        "language_code": "en",
                    },
                    "chat": {"id": chat, "first_name": "Lina", "type": "private"},
                },
            }
            yield Request(
                "/webhooks/telegram",
                {
                    "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                    "Content-Type": "application/json",
                },
                json.dumps(update, separators=(",", ":")).encode(),
            )
        else:
            ts = str(int(time.time()))
            event = {
                "type": "message",
                "channel_type": "im",
                "user": f"U{user:08d}",
                "channel": f"D{user:08d}",
                "text": text,
                "ts": f"{ts}.000100",
                "team": TEAM,
            }
            body = json.dumps(
                {
                    "type": "event_callback",
                    "team_id": TEAM,
                    "api_app_id": "A0",
                    "event_id": f"Ev{n:010d}",
                    "event_time": int(ts),
                    "event": event,
                },
                separators=(",", ":"),
            ).encode()
            digest = hmac.new(
                SLACK_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256
            ).hexdigest()
            yield Request(
                "/webhooks/slack",
                {
                    "X-Slack-Request-Timestamp": ts,
                    "X-Slack-Signature": f"v0={digest}",
                    "Content-Type": "application/json",
                },
                body,
            )


@dataclass
class Result:
    latencies: list[float]
    errors: int
    elapsed: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def send(
    client: httpx.AsyncClient, request: Request, result: Result, since: float | None = None
) -> None:
    """One POST; latency counts from `since` (the scheduled time) when given."""
    started = time.perf_counter() if since is None else since
    try:
        response = await client.post(request.path, content=request.body, headers=request.headers)
        ok = response.status_code == 200
    except httpx.HTTPError:
        ok = False
    if ok:
        result.latencies.append(time.perf_counter() - started)
    else:
        result.errors += 1


def clients(base: str, count: int) -> list[httpx.AsyncClient]:
    """One keep-alive connection per sender: httpx's shared pool slows down as it grows."""
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return [httpx.AsyncClient(base_url=base, limits=one, timeout=30) for _ in range(count)]


async def fixed_rate(
    base: str, source: Iterator[Request], rate: float, seconds: float, senders: int = 32
) -> Result:
    """Open loop: a delivery is due every 1/rate s whatever the server does.

    Latency runs from when a delivery was due, so a server that falls behind is charged
    for the wait too (no coordinated omission).
    """
    result = Result([], 0, 0.0)
    due: asyncio.Queue[tuple[float, Request] | None] = asyncio.Queue()
    pool = clients(base, senders)

    async def sender(client: httpx.AsyncClient) -> None:
        while (item := await due.get()) is not None:
            await send(client, item[1], result, since=item[0])

    workers = [asyncio.create_task(sender(c)) for c in pool]
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        at = start + n / rate
        if (delay := at - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        due.put_nowait((at, next(source)))
    for _ in workers:
        due.put_nowait(None)
    await asyncio.gather(*workers)
    result.elapsed = time.perf_counter() - start
    await asyncio.gather(*(c.aclose() for c in pool))
    return result


async def flat_out(
    base: str, source: Iterator[Request], connections: int, seconds: float
) -> Result:
    """Closed loop: `connections` senders, each sending the next delivery on each answer."""
    result = Result([], 0, 0.0)
    pool = clients(base, connections)
    start = time.perf_counter()
    deadline = start + seconds

    async def sender(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            await send(client, next(source), result)

    await asyncio.gather(*(sender(c) for c in pool))
    result.elapsed = time.perf_counter() - start
    await asyncio.gather(*(c.aclose() for c in pool))
    return result
