"""Wrap a connector so a share of its calls fail: before acting (500, 429) or after (timeout).

A timeout *after* the call acted is the case idempotency must survive: the provider made
the event or meeting, but we never heard back.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from connectors.errors import TransientConnectorError, timeout_error

WRITES = frozenset(
    {
        "create_event",
        "update_event",
        "cancel_event",
        "create_meeting",
        "update_meeting",
        "delete_meeting",
        "notify_client",
        "notify_reader",
    }
)


class Flaky:
    """Proxy whose async methods fail `rate` of the time, with a seeded random generator."""

    def __init__(
        self,
        inner: Any,
        *,
        rate: float = 0.3,
        seed: int = 7,
        retry_after: float = 0.01,
        methods: frozenset[str] = WRITES,
    ) -> None:
        self._inner = inner
        self._rate = rate
        self._rng = random.Random(seed)
        self._retry_after = retry_after
        self._methods = methods
        self.failures: Counter[str] = Counter()

    @property
    def inner(self) -> Any:
        return self._inner

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if name not in self._methods:
            return target

        async def call(**kwargs: Any) -> Any:
            roll = self._rng.random()
            if roll < self._rate / 3:
                self.failures["500"] += 1
                raise TransientConnectorError("scripted 500", provider="flaky", status=500)
            if roll < 2 * self._rate / 3:
                self.failures["429"] += 1
                raise TransientConnectorError(
                    "scripted 429", provider="flaky", status=429, retry_after=self._retry_after
                )
            result = await target(**kwargs)
            if roll < self._rate:
                self.failures["timeout"] += 1
                raise timeout_error("flaky")
            return result

        return call
