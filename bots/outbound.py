"""Sending replies: one sender per platform, every message keyed in the outbox, retried safely.

No chat platform deduplicates sends, so the outbox key is what stops a retry from
posting twice: a key marked DONE is never sent again. 429s are waited out for as long
as the platform asks; 5xx and refused connections are retried with backoff a bounded
number of times; a request that went out and got no answer (a read timeout) is NOT
resent, because it may have arrived: it is marked dead with the reason instead.

The `Notifier` the domain calls lives in `bots.notifier` and sends through `Delivery`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

from bots.engine import Reply
from domain.clock import Clock
from domain.enums import Channel, OutboxKind, OutboxStatus
from domain.errors import ConnectorError, PermanentConnectorError, TransientConnectorError
from domain.models import OutboxEntry
from domain.ports.storage import UnitOfWorkFactory

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted while sending; not resent so it cannot arrive twice"


class SendOutcomeUnknown(ConnectorError):
    """The request went out and no answer came back: it may have been delivered."""


@dataclass(frozen=True, slots=True)
class SendContext:
    """Where a reply goes beyond the chat id, and under which platform rules."""

    channel: Channel
    workspace: str = ""  # Slack team, Meta Page / Instagram account, "" for Telegram
    user_ref: str | None = None  # who asked: Slack ephemeral replies go to this user only
    tagged_update: bool = False  # Messenger outside the 24 h window: a tagged event update
    delivery_key: str = ""  # the outbox key, for senders that store instead of post


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What the platform answered: its id for the (last) message it accepted."""

    message_id: str


class ChannelSender(Protocol):
    """Renders a Reply natively for one platform and sends it, honouring its rate limits."""

    channels: frozenset[Channel]

    async def send(self, *, chat_id: str, reply: Reply, context: SendContext) -> SentMessage:
        """Send one reply (one or more platform messages).

        Args:
            chat_id: The platform's chat / channel / recipient id.
            reply: What to say.
            context: Workspace, the asking user, Meta window rules.

        Returns:
            The platform's id of the message it accepted.

        Raises:
            TransientConnectorError: Worth retrying (429 with `retry_after`, 5xx, refused).
            PermanentConnectorError: Retrying will not help (blocked, bad request).
            SendOutcomeUnknown: Sent, but the answer never came: do not resend.
        """
        ...

    async def close(self) -> None:
        """Release HTTP sessions."""
        ...


class SenderRegistry:
    """Which sender carries which channel; built once by hub/."""

    def __init__(self, senders: Iterable[ChannelSender] = ()) -> None:
        """Register the given senders."""
        self._by_channel: dict[Channel, ChannelSender] = {}
        for sender in senders:
            self.register(sender)

    def register(self, sender: ChannelSender) -> None:
        """Add a sender for every channel it carries (a later one replaces an earlier one)."""
        for channel in sender.channels:
            self._by_channel[channel] = sender

    def get(self, channel: Channel) -> ChannelSender | None:
        """The sender for a channel, or None when that platform is not configured."""
        return self._by_channel.get(channel)

    @property
    def channels(self) -> frozenset[Channel]:
        """Channels something can be sent on."""
        return frozenset(self._by_channel)

    async def close(self) -> None:
        """Close every sender once."""
        for sender in {id(s): s for s in self._by_channel.values()}.values():
            await sender.close()


class Outcome(StrEnum):
    """How one send ended."""

    SENT = "sent"
    REFUSED = "refused"  # permanent: the platform said no
    UNKNOWN = "unknown"  # may or may not have arrived: never resend automatically
    GAVE_UP = "gave_up"  # transient failures outlasted the retry budget


@dataclass(frozen=True, slots=True)
class Attempt:
    """The result of sending one reply with retries."""

    outcome: Outcome
    sent: SentMessage | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try before giving a send back to the caller."""

    retries: int = 3  # extra tries after a 5xx or a refused connection
    backoff: float = 0.5  # seconds before the first retry; doubles, with jitter
    max_backoff: float = 8.0
    rate_limited_retries: int = 4  # extra tries after a 429
    max_retry_after: float = 60.0  # a 429 asking for longer is given back, not slept on


def redact(text: str, secrets: Iterable[str]) -> str:
    """Remove tokens from an error text before it is logged or stored."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class Delivery:
    """Sends batches of replies, each under its own outbox key, with the retry rules above."""

    def __init__(
        self,
        *,
        uows: UnitOfWorkFactory,
        clock: Clock,
        senders: SenderRegistry,
        policy: RetryPolicy | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        """Wire storage, the clock, the senders and the secrets to scrub from errors."""
        self._uows = uows
        self._clock = clock
        self._senders = senders
        self._policy = policy or RetryPolicy()
        self._secrets = tuple(s for s in secrets if s)

    @property
    def senders(self) -> SenderRegistry:
        """The registry this delivery sends through."""
        return self._senders

    async def deliver(
        self, *, key_prefix: str, chat_id: str, replies: Sequence[Reply], context: SendContext
    ) -> list[Attempt]:
        """Send replies in order, keyed `{key_prefix}:{n}`; keys already sent are skipped."""
        attempts: list[Attempt] = []
        for n, reply in enumerate(replies):
            key = f"{key_prefix}:{n}"
            payload = {
                "channel": context.channel.value,
                "chat_id": chat_id,
                "text": reply.text[:200],
            }
            if not await self.claim(key, payload):
                continue
            attempt = await self.attempt(
                chat_id=chat_id, reply=reply, context=replace(context, delivery_key=key)
            )
            attempts.append(attempt)
            await self.settle(key, attempt)
            if attempt.outcome is not Outcome.SENT:
                # Later replies build on this one; sending them out of order helps nobody.
                break
        return attempts

    async def claim(self, key: str, payload: dict[str, Any]) -> bool:
        """Take a key for sending: new, or left to retry. False when sent or dead already.

        Rows are written IN_PROGRESS without a lease, so the outbox dispatcher's
        `claim_due` never picks up a message this process is sending. One found still
        IN_PROGRESS was being sent when its process died or was stopped mid-send: it may
        have arrived, so it is given up (visible to operators), never sent twice.
        """
        now = self._clock.now()
        async with self._uows() as uow:
            entry = OutboxEntry(
                key=key, kind=OutboxKind.MESSAGE, payload=payload, status=OutboxStatus.IN_PROGRESS
            )
            if await uow.outbox.add(entry, now):
                await uow.commit()
                return True
            existing = await uow.outbox.get_by_key(key)
            if existing is None:
                return False
            if existing.status in (OutboxStatus.PENDING, OutboxStatus.FAILED):
                return True
            if existing.status is OutboxStatus.IN_PROGRESS:
                await uow.outbox.give_up(key, now, INTERRUPTED)
                await uow.commit()
            return False

    async def settle(self, key: str, attempt: Attempt) -> None:
        """Record how a reply's send ended: done, or dead with the reason."""
        now = self._clock.now()
        async with self._uows() as uow:
            if attempt.outcome is Outcome.SENT:
                await uow.outbox.complete(key, now)
            else:
                await uow.outbox.give_up(key, now, f"{attempt.outcome}: {attempt.error}")
            await uow.commit()

    async def attempt(self, *, chat_id: str, reply: Reply, context: SendContext) -> Attempt:
        """Send one reply, waiting out 429s and retrying transient failures within budget."""
        sender = self._senders.get(context.channel)
        if sender is None:
            return Attempt(Outcome.REFUSED, error=f"no sender configured for {context.channel}")
        failures = limited = 0
        while True:
            try:
                sent = await sender.send(chat_id=chat_id, reply=reply, context=context)
            except SendOutcomeUnknown as exc:
                return self._failed(Outcome.UNKNOWN, exc, context)
            except TransientConnectorError as exc:
                throttled = exc.status == 429 or exc.retry_after is not None
                limited, failures = limited + throttled, failures + (not throttled)
                wait = self._wait_after(exc, throttled, failures, limited)
                if wait is None:
                    return self._failed(Outcome.GAVE_UP, exc, context)
                log.info(
                    "%s send failed (%s); retrying in %.1fs",
                    context.channel,
                    self._scrub(str(exc)),
                    wait,
                )
                await asyncio.sleep(wait)
                continue
            except PermanentConnectorError as exc:
                return self._failed(Outcome.REFUSED, exc, context)
            except Exception as exc:  # a bug in a sender: do not guess, do not resend
                log.exception("%s sender crashed", context.channel)
                return self._failed(Outcome.UNKNOWN, exc, context)
            return Attempt(Outcome.SENT, sent)

    def _wait_after(
        self, exc: TransientConnectorError, throttled: bool, failures: int, limited: int
    ) -> float | None:
        """Seconds to wait before the next try, or None when the budget is spent."""
        policy = self._policy
        if throttled:
            wait = exc.retry_after if exc.retry_after is not None else policy.backoff
            if limited > policy.rate_limited_retries or wait > policy.max_retry_after:
                return None
            return wait
        if failures > policy.retries:
            return None
        ceiling = min(policy.max_backoff, policy.backoff * 2 ** (failures - 1))
        return random.uniform(ceiling / 2, ceiling)  # equal jitter: spread retries apart

    def _failed(self, outcome: Outcome, exc: BaseException, context: SendContext) -> Attempt:
        error = self._scrub(f"{type(exc).__name__}: {exc}")[:500]
        log.warning("%s send %s: %s", context.channel, outcome, error)
        return Attempt(outcome, error=error)

    def _scrub(self, text: str) -> str:
        return redact(text, self._secrets)


def chunk_text(text: str, limit: int) -> Iterator[str]:
    """Split over-long text at line breaks (or hard) so every part fits the platform."""
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        yield text[:cut]
        text = text[cut:].lstrip("\n")
    yield text
