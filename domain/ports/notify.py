"""Telling people things outside a conversation: confirmations, reminders, alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.enums import Channel


class NoticeKind(StrEnum):
    """What a notice is about; each has one message template per language in bots/."""

    BOOKING_CONFIRMED = "booking_confirmed"
    BOOKING_RESCHEDULED = "booking_rescheduled"
    BOOKING_CANCELLED = "booking_cancelled"
    REMINDER = "reminder"
    CALENDAR_CONFLICT = "calendar_conflict"
    RECONNECT_ACCOUNT = "reconnect_account"
    PAYMENT_REFUNDED = "payment_refunded"  # to the client: money on its way back
    PAYMENT_DISPUTED = "payment_disputed"  # to the reader: a client's bank took it back
    INVOICE_ISSUED = "invoice_issued"  # to the client: the invoice, its PDF as a document
    INVOICE_REMINDER = "invoice_reminder"  # to the client: an unpaid invoice, again
    PAYOUT_STATEMENT = "payout_statement"  # to the reader: a payout, its statement PDF attached
    RECEIPT_NOT_SAVED = "receipt_not_saved"  # to the reader: a receipt could not be kept
    WEEKLY_DIGEST = "weekly_digest"  # to the reader: last week's figures, with a chart
    CAMPAIGN = "campaign"  # to the client: a reader's campaign message (marketing)
    FOLLOW_UP = "follow_up"  # to the client: one step of a follow-up sequence
    CAMPAIGN_REPORT = "campaign_report"  # to the reader: how their campaign went


@dataclass(frozen=True, slots=True)
class Notice:
    """A channel-neutral message: a kind and raw values (ids, ISO times, links)."""

    kind: NoticeKind
    params: dict[str, str] = field(default_factory=dict)
    booking_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What happened to a notice: sent (where), already sent, or waiting for a channel."""

    delivered: bool
    channel: Channel | None = None
    duplicate: bool = False
    waiting: bool = False
    detail: str = ""


class Notifier(Protocol):
    """Delivers notices on the person's best channel, once per idempotency key."""

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a client something.

        Args:
            client_id: The client.
            notice: What to say.
            idempotency_key: The same key never sends twice.

        Returns:
            Where it went, or that it is waiting (no channel may be used right now).

        Raises:
            TransientConnectorError: The channel failed in a way worth retrying.
        """
        ...

    async def notify_reader(
        self, *, reader_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a reader something.

        Args:
            reader_id: The reader.
            notice: What to say.
            idempotency_key: The same key never sends twice.

        Returns:
            Where it went, or that it is waiting.

        Raises:
            TransientConnectorError: The channel failed in a way worth retrying.
        """
        ...
