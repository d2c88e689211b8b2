"""The web chat's inbox: notices wait in the outbox until the page polls for them.

A browser cannot be pushed to, so a notice for a web chat session (a confirmation with
the join link, a reminder) is stored as an outbox row keyed `inbox:{session}:{id}` in
status IN_PROGRESS ("handed to the inbox, not yet read"). `GET /api/v1/chat/{session}/
messages` returns those rows as replies in the web chat JSON shape and marks them DONE,
so each is shown once. IN_PROGRESS rows without a lease are never claimed by the outbox
dispatcher, so nothing else touches them.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from bots.engine import Reply
from bots.outbound import SendContext, SentMessage
from domain.clock import Clock
from domain.enums import Channel, OutboxKind, OutboxStatus
from domain.models import OutboxEntry
from domain.ports.storage import UnitOfWorkFactory

MAX_PER_POLL = 50


def inbox_prefix(session: str) -> str:
    """The key prefix of one session's inbox."""
    return f"inbox:{session}:"


class WebchatInbox:
    """The web chat's `ChannelSender`: stores instead of posting; the page collects."""

    channels = frozenset({Channel.WEBCHAT})

    def __init__(self, *, uows: UnitOfWorkFactory, clock: Clock) -> None:
        """Use the hub's storage and clock."""
        self._uows = uows
        self._clock = clock

    async def send(self, *, chat_id: str, reply: Reply, context: SendContext) -> SentMessage:
        """Put the reply in the session's inbox, once per delivery key."""
        # Hash the outbox key so the inbox key stays short and a retry lands on the same row.
        suffix = (
            hashlib.sha256(context.delivery_key.encode()).hexdigest()[:32]
            if context.delivery_key
            else uuid.uuid4().hex
        )
        key = f"{inbox_prefix(chat_id)}{suffix}"
        payload: dict[str, Any] = {"session": chat_id, "reply": reply.as_json()}
        async with self._uows() as uow:
            entry = OutboxEntry(
                key=key, kind=OutboxKind.MESSAGE, payload=payload, status=OutboxStatus.IN_PROGRESS
            )
            await uow.outbox.add(entry, self._clock.now())
            await uow.commit()
        return SentMessage(message_id=key)

    async def take(self, session: str, limit: int = MAX_PER_POLL) -> list[dict[str, Any]]:
        """Unread replies of a session, oldest first, marked read in the same transaction."""
        now = self._clock.now()
        async with self._uows() as uow:
            entries = await uow.outbox.list_by_prefix(
                inbox_prefix(session), statuses=[OutboxStatus.IN_PROGRESS], limit=limit
            )
            for entry in entries:
                await uow.outbox.complete(entry.key, now)
            await uow.commit()
        return [dict(entry.payload["reply"]) for entry in entries]

    async def close(self) -> None:
        """Nothing to release."""
