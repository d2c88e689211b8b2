"""Side effects out (outbox) and webhook deliveries in, each once per key."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from domain.enums import OutboxKind, OutboxStatus
from domain.models import (
    OutboxEntry,
)


class OutboxRepository(Protocol):
    """Side effects written in the same transaction as the change that caused them."""

    async def add(self, entry: OutboxEntry, now: datetime) -> bool:
        """Enqueue a side effect once: a second entry with the same key is ignored.

        Args:
            entry: What to do.
            now: When it was decided (and the earliest it may run unless the entry says later).

        Returns:
            True if added, False if the key already existed.
        """
        ...

    async def get_by_key(self, key: str) -> OutboxEntry | None:
        """One entry by its key.

        Args:
            key: The idempotency key.

        Returns:
            The entry, or None.
        """
        ...

    async def claim_due(
        self, now: datetime, limit: int, lease: timedelta, kinds: Sequence[OutboxKind] | None = None
    ) -> list[OutboxEntry]:
        """Take due entries for processing; other workers skip them until the lease ends.

        Pending or failed entries with `next_attempt_at <= now`, and in-progress ones whose
        lease ran out (their worker died), become IN_PROGRESS with `attempts + 1`.

        Args:
            now: The current instant.
            limit: Most entries to claim.
            lease: How long the claim holds.
            kinds: Only these kinds, or all.

        Returns:
            The claimed entries, oldest first.
        """
        ...

    async def complete(self, key: str, now: datetime) -> None:
        """Mark an entry done.

        Args:
            key: The entry.
            now: Completion time.
        """
        ...

    async def retry_later(
        self, key: str, now: datetime, error: str, next_attempt_at: datetime
    ) -> None:
        """Release an entry after a transient failure.

        Args:
            key: The entry.
            now: Failure time.
            error: What went wrong.
            next_attempt_at: When to try again.
        """
        ...

    async def release(self, keys: Sequence[str], now: datetime) -> None:
        """Give claimed entries back unfinished (a stopping worker), due again at once.

        The claim's attempt is not counted: nothing failed.

        Args:
            keys: Entries this worker claimed and did not finish.
            now: Release time.
        """
        ...

    async def give_up(self, key: str, now: datetime, error: str) -> None:
        """Mark an entry dead: it will not run again on its own (visible to operators).

        Args:
            key: The entry.
            now: Failure time.
            error: What went wrong.
        """
        ...

    async def counts(self) -> dict[OutboxStatus, int]:
        """Entries per status, for health and metrics.

        Returns:
            Count per status.
        """
        ...

    async def next_due(self, kinds: Sequence[OutboxKind] | None = None) -> datetime | None:
        """When the earliest entry becomes claimable, without claiming anything.

        Args:
            kinds: Only these kinds, or all.

        Returns:
            The earliest `next_attempt_at` of a waiting entry or lease end of a claimed one,
            or None when nothing is queued.
        """
        ...

    async def list_by_prefix(
        self,
        prefix: str,
        *,
        statuses: Sequence[OutboxStatus],
        due_before: datetime | None = None,
        limit: int = 100,
    ) -> list[OutboxEntry]:
        """Entries whose key starts with a prefix (a web chat inbox, waiting notices).

        Args:
            prefix: The literal key prefix (no wildcards).
            statuses: Only entries in these statuses.
            due_before: Only entries whose next attempt is at or before this, if given.
            limit: Most entries to return.

        Returns:
            Matching entries, oldest first.
        """
        ...


class InboundRepository(Protocol):
    """Webhook deliveries by the provider's id: recorded before any effect, once."""

    async def record(
        self, provider: str, event_id: str, payload: dict[str, Any], now: datetime
    ) -> bool:
        """Record a delivery unless already seen.

        Args:
            provider: "telegram", "slack", "meta", "zoom", ...
            event_id: The provider's id for the event (update_id, event_id, mid, ...).
            payload: The parsed body, kept so an interrupted event can be processed later.
            now: Receipt time.

        Returns:
            True for a first delivery, False for a duplicate.
        """
        ...

    async def record_many(
        self, deliveries: Sequence[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> list[bool]:
        """Record many deliveries in one statement (webhook group commit).

        Args:
            deliveries: (provider, event_id, payload) triples; the same id may repeat.
            now: Receipt time.

        Returns:
            For each triple, True if it is the first delivery of that id.
        """
        ...

    async def mark_processed(
        self, provider: str, event_id: str, now: datetime, error: str | None = None
    ) -> None:
        """Note that processing finished (with the error, if it failed for good).

        Args:
            provider: The provider.
            event_id: The provider's event id.
            now: Completion time.
            error: Why it failed, or None.
        """
        ...

    async def claim_unfinished(
        self, received_before: datetime, now: datetime, lease: timedelta, limit: int
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Lease unfinished deliveries to this sweep; a concurrent sweep gets other ones.

        Args:
            received_before: Only deliveries older than this (younger ones may be in flight).
            now: The time of the sweep; leases that ended before it are free again.
            lease: How long the taker has to finish them before another sweep may.
            limit: Most rows to take.

        Returns:
            (provider, event_id, payload) tuples, oldest first.
        """
        ...

    async def unprocessed(
        self, received_before: datetime, limit: int
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Deliveries recorded but never processed (the process died in between).

        Args:
            received_before: Only deliveries older than this (younger ones may be in flight).
            limit: Most rows to return.

        Returns:
            (provider, event_id, payload) tuples, oldest first.
        """
        ...
