"""Outbound rate limits: every platform's numbers in one place, and a per-key pacer.

The figures come from ../shared/platform-facts.md (sections 1.3, 2.3, 3.3). Vendors change
them, so they live here as data, and tests pass faster ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """Outbound limits per platform (seconds between sends, or sends per period)."""

    # Telegram: ~1 message/s per chat (PTB's AIORateLimiter does not do this one),
    # ~30/s overall and 20/min per group (AIORateLimiter does those).
    telegram_per_chat_interval: float = 1.0
    telegram_overall_per_second: float = 30.0
    telegram_group_per_minute: float = 20.0
    # Slack: chat.postMessage ~1 message/s per channel; 429s are retried by the SDK first.
    slack_per_channel_interval: float = 1.0
    slack_sdk_rate_limit_retries: int = 2
    # Meta Send API: 300/s per Page for text today, 100/s on the older page: use the safe one.
    meta_per_account_per_second: float = 100.0
    # Per-request timeouts: connect fails fast (safe to retry), read waits for the answer.
    connect_timeout: float = 5.0
    read_timeout: float = 10.0


DEFAULT_LIMITS = ChannelLimits()


class Pacer:
    """Spaces sends to one key (a chat, a channel, a Page) at least `interval` apart.

    Each caller reserves the next free instant for its key before sleeping, so
    concurrent senders to one chat queue up instead of bursting together.
    """

    def __init__(self, interval: float, *, forget_after: float = 300.0) -> None:
        """`interval` seconds between sends per key; idle keys are forgotten."""
        self._interval = max(0.0, interval)
        self._forget_after = forget_after
        self._next: dict[str, float] = {}
        self._last_sweep = 0.0

    @property
    def interval(self) -> float:
        """Seconds between two sends to the same key."""
        return self._interval

    def reserve(self, key: str) -> float:
        """Book the next free instant for `key`; returns how long to wait for it."""
        if self._interval == 0:
            return 0.0
        now = asyncio.get_running_loop().time()
        self._sweep(now)
        start = max(now, self._next.get(key, now))
        self._next[key] = start + self._interval
        return start - now

    async def wait(self, key: str) -> None:
        """Sleep until `key` may send again."""
        delay = self.reserve(key)
        if delay > 0:
            await asyncio.sleep(delay)

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        """`async with pacer.turn(chat):` send inside."""
        await self.wait(key)
        yield

    def _sweep(self, now: float) -> None:
        """Drop keys idle for a while so a million chats do not stay in memory."""
        if now - self._last_sweep < self._forget_after:
            return
        self._last_sweep = now
        self._next = {k: v for k, v in self._next.items() if v > now - self._forget_after}
