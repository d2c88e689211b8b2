"""The domain's `Notifier`: a notice, in the person's language, on their best usable channel.

Accounts are tried most recently active first (`domain.channels.plan_routes`): Messenger
inside Meta's 24-hour window as a normal response, outside it only a booking update under
the CONFIRMED_EVENT_UPDATE tag; Instagram only inside the window; Telegram, Slack and the
web chat inbox at any time. If no account may be used the notice stays in the outbox as
FAILED with the reason in `last_error` (visible to operators) and `redeliver_waiting`
tries again later; the report says `waiting=True`.

Each notice is one outbox row keyed `notice:{idempotency_key}`: DONE is never sent again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from bots.language import negotiate_language
from bots.notices import Audience, render_notice
from bots.outbound import Delivery, Outcome, SendContext
from domain.channels import plan_routes
from domain.clock import Clock
from domain.enums import OutboxStatus
from domain.errors import TransientConnectorError
from domain.models import Identity, OutboxEntry
from domain.ports.notify import DeliveryReport, Notice, NoticeKind
from domain.ports.storage import UnitOfWorkFactory

log = logging.getLogger(__name__)

NOTICE_PREFIX = "notice:"
CLIENT, READER = "client", "reader"


class OutboundNotifier:
    """Implements `domain.ports.notify.Notifier` over the channel senders."""

    def __init__(
        self,
        *,
        uows: UnitOfWorkFactory,
        clock: Clock,
        delivery: Delivery,
        retry_waiting_after: timedelta = timedelta(minutes=10),
        retry_failed_after: timedelta = timedelta(minutes=2),
        expire_after: timedelta = timedelta(days=7),
    ) -> None:
        """Send through `delivery`; waiting notices are retried, then expire."""
        self._uows = uows
        self._clock = clock
        self._delivery = delivery
        self._retry_waiting_after = retry_waiting_after
        self._retry_failed_after = retry_failed_after
        self._expire_after = expire_after

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a client something, once per key."""
        return await self._notify(CLIENT, client_id, notice, idempotency_key)

    async def notify_reader(
        self, *, reader_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a reader something, once per key."""
        return await self._notify(READER, reader_id, notice, idempotency_key)

    async def redeliver_waiting(self, limit: int = 100) -> int:
        """Try waiting notices again (their person may have written since); returns sent."""
        async with self._uows(read_only=True) as uow:
            due = await uow.outbox.list_by_prefix(
                NOTICE_PREFIX,
                statuses=[OutboxStatus.FAILED, OutboxStatus.PENDING],
                due_before=self._clock.now(),
                limit=limit,
            )
        sent = 0
        for entry in due:
            try:
                report = await self.redeliver(entry)
            except TransientConnectorError:
                continue
            sent += report.delivered
        return sent

    async def redeliver(self, entry: OutboxEntry) -> DeliveryReport:
        """Send a stored notice row again (for the sweep, or a dispatcher that claimed it)."""
        payload = entry.payload
        data = payload["notice"]
        notice = Notice(
            kind=NoticeKind(data["kind"]),
            params=dict(data.get("params") or {}),
            booking_id=UUID(data["booking_id"]) if data.get("booking_id") else None,
        )
        queued_at = datetime.fromisoformat(payload["queued_at"])
        return await self._send(
            entry.key, payload["role"], UUID(payload["person_id"]), notice, queued_at
        )

    async def _notify(
        self, role: str, person_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        key = f"{NOTICE_PREFIX}{idempotency_key}"
        now = self._clock.now()
        payload: dict[str, Any] = {
            "role": role,
            "person_id": str(person_id),
            "notice": {
                "kind": notice.kind.value,
                "params": dict(notice.params),
                "booking_id": str(notice.booking_id) if notice.booking_id else None,
            },
            "queued_at": now.isoformat(),
        }
        if not await self._delivery.claim(key, payload):
            return await self._already(key)
        async with self._uows(read_only=True) as uow:
            stored = await uow.outbox.get_by_key(key)
        queued_at = datetime.fromisoformat(stored.payload["queued_at"]) if stored else now
        return await self._send(key, role, person_id, notice, queued_at)

    async def _already(self, key: str) -> DeliveryReport:
        """The key was used before: say what became of it, send nothing."""
        async with self._uows(read_only=True) as uow:
            existing = await uow.outbox.get_by_key(key)
        status = existing.status if existing else None
        if status is OutboxStatus.DONE:
            return DeliveryReport(delivered=True, duplicate=True, detail="already sent")
        detail = (existing.last_error if existing else None) or f"notice is {status}"
        return DeliveryReport(delivered=False, duplicate=True, detail=detail)

    async def _send(
        self, key: str, role: str, person_id: UUID, notice: Notice, queued_at: datetime
    ) -> DeliveryReport:
        now = self._clock.now()
        found = await self._recipient(role, person_id)
        if found is None:
            await self._finish(key, OutboxStatus.DEAD, f"{role} {person_id} not found")
            return DeliveryReport(delivered=False, detail=f"{role} not found")
        identities, audience = found
        plan = plan_routes(
            identities, kind=notice.kind, now=now, reachable=self._delivery.senders.channels
        )
        reply = await render_notice(uows=self._uows, notice=notice, audience=audience)
        refusals: list[str] = []
        for route in plan.routes:
            ident = route.identity
            assert ident.chat_id is not None  # plan_routes keeps only accounts with a chat
            context = SendContext(
                ident.channel, ident.workspace, ident.external_user_id, route.tagged_update, key
            )
            attempt = await self._delivery.attempt(
                chat_id=ident.chat_id, reply=reply, context=context
            )
            if attempt.outcome is Outcome.SENT:
                await self._finish(key, OutboxStatus.DONE)
                return DeliveryReport(delivered=True, channel=ident.channel)
            if attempt.outcome is Outcome.UNKNOWN:
                await self._finish(key, OutboxStatus.DEAD, attempt.error)
                return DeliveryReport(delivered=False, channel=ident.channel, detail=attempt.error)
            if attempt.outcome is Outcome.GAVE_UP:
                await self._later(key, attempt.error, now + self._retry_failed_after)
                raise TransientConnectorError(attempt.error, provider=ident.channel.value)
            refusals.append(f"{ident.channel}: {attempt.error}")
        reason = plan.reason or "no channel accepted it: " + "; ".join(refusals)
        if now - queued_at > self._expire_after:
            await self._finish(key, OutboxStatus.DEAD, f"expired, {reason}")
            return DeliveryReport(delivered=False, detail=f"expired, {reason}")
        await self._later(key, reason, now + self._retry_waiting_after)
        log.info("notice %s waiting: %s", key, reason)
        return DeliveryReport(delivered=False, waiting=True, detail=reason)

    async def _recipient(
        self, role: str, person_id: UUID
    ) -> tuple[list[Identity], Audience] | None:
        """The person's chat accounts (most recent first) and how they read."""
        async with self._uows(read_only=True) as uow:
            if role == CLIENT:
                client = await uow.clients.get(person_id)
                if client is None:
                    return None
                audience = Audience(negotiate_language([client.language]), client.timezone, True)
                return await uow.identities.for_client(person_id), audience
            reader = await uow.readers.get(person_id)
            if reader is None:
                return None
            audience = Audience(negotiate_language(reader.languages), reader.timezone, False)
            return await uow.identities.for_reader(person_id), audience

    async def _finish(self, key: str, status: OutboxStatus, error: str = "") -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            if status is OutboxStatus.DONE:
                await uow.outbox.complete(key, now)
            else:
                await uow.outbox.give_up(key, now, error)
            await uow.commit()

    async def _later(self, key: str, error: str, at: datetime) -> None:
        async with self._uows() as uow:
            await uow.outbox.retry_later(key, self._clock.now(), error, at)
            await uow.commit()
