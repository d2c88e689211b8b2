"""What follow-up sequences need from storage: sequences, enrolments and their deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from uuid import UUID

from domain.enums import Channel, DeliveryStatus, SequenceTrigger


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One message of a ready-made sequence: its delay, template, button and purpose."""

    id: UUID
    position: int
    delay_minutes: int
    template: str
    button: str | None
    marketing: bool


@dataclass(frozen=True, slots=True)
class SequenceSpec:
    """A sequence row (the platform's when reader_id is None) with its steps."""

    id: UUID
    reader_id: UUID | None
    key: str
    trigger: SequenceTrigger
    active: bool
    steps: tuple[StepSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class NewEnrolment:
    """One client entering one run of a sequence, keyed by what started it."""

    sequence_id: UUID
    client_id: UUID
    reader_id: UUID
    anchor_ref: str
    anchor_at: datetime


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A claimed delivery and everything sending it needs."""

    id: UUID
    enrolment_id: UUID
    client_id: UUID
    reader_id: UUID
    sequence_key: str
    anchor_ref: str
    enrolment_active: bool
    template: str
    button: str | None
    marketing: bool
    due_at: datetime
    attempts: int
    channel: Channel | None
    error: str | None
    client_name: str | None
    client_email: str | None
    client_timezone: str
    client_language: str
    client_chat: Channel | None  # the client's preferred or most recent chat channel
    quiet_start: time | None
    quiet_end: time | None
    reader_name: str


@dataclass(frozen=True, slots=True)
class ScanCandidate:
    """A client a daily scan found: who, with which reader, and the anchor."""

    client_id: UUID
    reader_id: UUID
    anchor_ref: str
    anchor_at: datetime


@dataclass(frozen=True, slots=True)
class Birthday:
    """A client whose birthday is near, the reader they last booked and their zone."""

    client_id: UUID
    reader_id: UUID
    birthday: date
    timezone: str


class FollowUpRepository(Protocol):
    """Sequences, enrolments (unique per anchor) and deliveries (unique per step)."""

    async def seed(self, sequences: Sequence[SequenceSpec]) -> None:
        """Insert ready-made sequences and steps whose ids are not there yet.

        Args:
            sequences: Rows with fixed ids, so seeding twice adds nothing.
        """
        ...

    async def sequences(self, reader_id: UUID | None) -> list[SequenceSpec]:
        """The platform's sequences (None) or one reader's own rows, with steps.

        Args:
            reader_id: A reader, or None for the platform's.

        Returns:
            The sequences, by key.
        """
        ...

    async def set_active(
        self, *, reader_id: UUID, key: str, trigger: SequenceTrigger, active: bool
    ) -> None:
        """Switch a sequence on or off for one reader (their own row, made if missing).

        Args:
            reader_id: The reader.
            key: The sequence key.
            trigger: Its trigger (for a new row).
            active: On or off.
        """
        ...

    async def enrol(self, enrolment: NewEnrolment, steps: Sequence[StepSpec]) -> bool:
        """The enrolment and one delivery per step, ON CONFLICT DO NOTHING for both.

        Args:
            enrolment: Who, which sequence, which anchor.
            steps: The steps to schedule from the anchor.

        Returns:
            Whether the enrolment is new.
        """
        ...

    async def leave(
        self, *, client_id: UUID, trigger: SequenceTrigger, reason: str, now: datetime
    ) -> int:
        """End the client's active enrolments of this trigger; skip their pending deliveries.

        Args:
            client_id: The client.
            trigger: Which sequences (e.g. quiet_60_days).
            reason: Why they left.
            now: When.

        Returns:
            The enrolments left.
        """
        ...

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueDelivery]:
        """Take due pending deliveries by a conditional UPDATE (their `sent_at` is the claim).

        Args:
            now: The current instant.
            limit: At most this many.
            lease: A claim older than this has lapsed (its run died).

        Returns:
            The deliveries this call took.
        """
        ...

    async def mark_sending(self, delivery_id: UUID, channel: Channel, marker: str) -> None:
        """Record that the send on a channel without idempotency keys (email) started.

        Args:
            delivery_id: The delivery.
            channel: The channel.
            marker: The error text a resumed run reads to know it was cut off.
        """
        ...

    async def finish(
        self,
        delivery_id: UUID,
        status: DeliveryStatus,
        *,
        now: datetime,
        channel: Channel | None = None,
        error: str | None = None,
    ) -> None:
        """Record a delivery's final status and end the enrolment once none is pending.

        Args:
            delivery_id: The delivery.
            status: Sent, failed or skipped.
            now: When.
            channel: Where it went.
            error: Why not.
        """
        ...

    async def release(
        self, delivery_id: UUID, *, due_at: datetime | None = None, error: str | None = None
    ) -> None:
        """Give a claimed delivery back, optionally due later.

        Args:
            delivery_id: The delivery.
            due_at: A new due time (out of quiet hours), or None to keep it.
            error: What held it back.
        """
        ...

    async def quiet_clients(
        self, *, now: datetime, quiet_for: timedelta, window: timedelta
    ) -> list[ScanCandidate]:
        """Client and reader pairs whose last booking began quiet_for ago (within window).

        Args:
            now: The current instant.
            quiet_for: How long without a booking (60 days).
            window: How far back the scan still enrols (older silences are left alone).

        Returns:
            One candidate per pair, anchored at the last booking.
        """
        ...

    async def birthdays(self, days: Sequence[date]) -> list[Birthday]:
        """Clients born on one of these month-days who booked at least once.

        Args:
            days: Dates whose month and day match.

        Returns:
            Each client with the reader of their latest booking.
        """
        ...

    async def scanned_on(self, name: str) -> str | None:
        """The day a daily scan last ran (its cursor).

        Args:
            name: The scan.

        Returns:
            The ISO day, or None.
        """
        ...

    async def mark_scanned(self, name: str, day: str, now: datetime) -> None:
        """Record that a daily scan ran.

        Args:
            name: The scan.
            day: The ISO day.
            now: When.
        """
        ...
