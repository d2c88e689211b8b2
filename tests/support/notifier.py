"""A Notifier that records what it was asked to say, when, once per idempotency key."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from uuid import UUID

from domain.errors import ConnectorError
from domain.ports.notify import DeliveryReport, Notice, NoticeKind


@dataclass(frozen=True, slots=True)
class SentNotice:
    """One delivered notice: to whom, what, under which key, and when it arrived."""

    role: str
    person_id: UUID
    notice: Notice
    key: str
    at: float = field(default_factory=time.perf_counter)


class FakeNotifier:
    """Delivers instantly (or fails as scripted); a key already delivered is a duplicate."""

    def __init__(self) -> None:
        self.sent: list[SentNotice] = []
        self.attempts = 0
        self._keys: set[str] = set()
        self._failures: deque[ConnectorError] = deque()

    def fail_next(self, n: int, error: ConnectorError) -> None:
        self._failures.extend([error] * n)

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        return self._deliver("client", client_id, notice, idempotency_key)

    async def notify_reader(
        self, *, reader_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        return self._deliver("reader", reader_id, notice, idempotency_key)

    def _deliver(self, role: str, person: UUID, notice: Notice, key: str) -> DeliveryReport:
        self.attempts += 1
        if self._failures:
            raise self._failures.popleft()
        if key in self._keys:
            return DeliveryReport(delivered=True, duplicate=True)
        self._keys.add(key)
        self.sent.append(SentNotice(role, person, notice, key))
        return DeliveryReport(delivered=True)

    def of_kind(self, kind: NoticeKind, *, booking_id: UUID | None = None) -> list[SentNotice]:
        return [
            s
            for s in self.sent
            if s.notice.kind is kind and (booking_id is None or s.notice.booking_id == booking_id)
        ]
