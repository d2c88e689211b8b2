"""Short-lived read caches for what every turn needs: who is talking, readers, services."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """A bounded LRU whose entries expire; loads on miss.

    Readers, services and identities change rarely but are read on every turn; a few
    seconds of staleness across processes is the price of not querying them each time.
    Changes made in this process call `forget` so they show at once here.
    """

    def __init__(self, *, ttl: float, max_entries: int = 10_000) -> None:
        """Keep entries for `ttl` seconds, at most `max_entries` of them."""
        self._ttl = ttl
        self._max = max_entries
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or a fresh one from `load`."""
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            self._entries.move_to_end(key)
            return hit[1]
        value = await load()
        self.remember(key, value)
        return value

    def remember(self, key: K, value: V, *, ttl: float | None = None) -> None:
        """Keep `value` for `ttl` seconds (the cache's own by default) instead of loading."""
        self._entries[key] = (time.monotonic() + (self._ttl if ttl is None else ttl), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, key: K) -> None:
        """Drop one entry (after a change made here)."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Drop everything."""
        self._entries.clear()
