"""What the domain needs from storage: repositories grouped in one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID

from domain.booking.availability import TimeWindow
from domain.enums import BookingStatus, Channel, OutboxKind, OutboxStatus
from domain.models import (
    Booking,
    Client,
    DatedException,
    Identity,
    OutboxEntry,
    Reader,
    Service,
    WeeklyHours,
)
from domain.ports.links import (
    CalendarBusyRepository,
    ExternalRefRepository,
    ReadingSessionRepository,
)


class ReaderRepository(Protocol):
    """Readers and the lock that serializes booking writes per reader."""

    async def get(self, reader_id: UUID) -> Reader | None:
        """One reader by id.

        Args:
            reader_id: Our id.

        Returns:
            The reader, or None.
        """
        ...

    async def get_by_slug(self, slug: str) -> Reader | None:
        """One reader by slug or booking-page slug.

        Args:
            slug: `readers.slug` or `readers.booking_slug`.

        Returns:
            The reader, or None.
        """
        ...

    async def list_active(self) -> list[Reader]:
        """Active readers, by name.

        Returns:
            Readers clients can book.
        """
        ...

    async def add(self, reader: Reader) -> None:
        """Insert a reader.

        Args:
            reader: The new reader.
        """
        ...

    async def lock_schedule(self, reader_id: UUID) -> None:
        """Serialize booking writes for one reader until the unit of work ends.

        Must be the first statement of the unit of work: on SQLite it takes the database
        write lock before anything is read, so the re-check sees every committed booking.

        Args:
            reader_id: Whose schedule to lock.
        """
        ...


class ServiceRepository(Protocol):
    """What readers sell."""

    async def get(self, service_id: UUID) -> Service | None:
        """One service by id.

        Args:
            service_id: Our id.

        Returns:
            The service, or None.
        """
        ...

    async def for_reader(self, reader_id: UUID) -> list[Service]:
        """A reader's active services, in a stable order.

        Args:
            reader_id: The reader.

        Returns:
            Active services, by price then name.
        """
        ...

    async def add(self, service: Service) -> None:
        """Insert a service.

        Args:
            service: The new service.
        """
        ...


class AvailabilityRepository(Protocol):
    """Weekly hours and dated exceptions."""

    async def weekly(self, reader_id: UUID) -> list[WeeklyHours]:
        """A reader's weekly hours.

        Args:
            reader_id: The reader.

        Returns:
            The rules, by weekday and start.
        """
        ...

    async def replace_weekday(
        self, reader_id: UUID, weekday: int, hours: Sequence[WeeklyHours]
    ) -> None:
        """Set one weekday's hours, replacing what was there.

        Args:
            reader_id: The reader.
            weekday: 0 = Monday.
            hours: The new ranges (empty = closed that day).
        """
        ...

    async def exceptions(self, reader_id: UUID, first: date, last: date) -> list[DatedException]:
        """Dated exceptions between two reader-local days, inclusive.

        Args:
            reader_id: The reader.
            first: First day.
            last: Last day.

        Returns:
            Exceptions by day.
        """
        ...

    async def add_exception(self, reader_id: UUID, exception: DatedException) -> None:
        """Record time off or extra hours.

        Args:
            reader_id: The reader.
            exception: What changes on which day.
        """
        ...


class BookingRepository(Protocol):
    """Bookings."""

    async def get(self, booking_id: UUID) -> Booking | None:
        """One booking.

        Args:
            booking_id: Our id.

        Returns:
            The booking, or None.
        """
        ...

    async def add(self, booking: Booking) -> None:
        """Insert a booking.

        Args:
            booking: The new booking.
        """
        ...

    async def save(self, booking: Booking) -> None:
        """Write a changed booking if nobody changed it since it was read, bumping `version`.

        Args:
            booking: The booking as changed; its `version` is the one that was read.

        Raises:
            ConcurrentUpdate: The stored version differs.
        """
        ...

    async def occupied(
        self, reader_id: UUID, window: TimeWindow, now: datetime
    ) -> list[TimeWindow]:
        """Time taken in a window: confirmed bookings and holds not yet expired.

        Args:
            reader_id: The reader.
            window: The UTC window of interest.
            now: Holds expiring at or before this no longer count.

        Returns:
            Occupied windows overlapping `window`.
        """
        ...

    async def expire_overlapping_holds(
        self, reader_id: UUID, window: TimeWindow, now: datetime
    ) -> int:
        """Mark lapsed holds in a window as expired, so they stop blocking the slot.

        Args:
            reader_id: The reader.
            window: The UTC window about to be booked.
            now: Holds with `hold_expires_at <= now` have lapsed.

        Returns:
            How many holds were expired.
        """
        ...

    async def for_client(
        self, client_id: UUID, *, statuses: Sequence[BookingStatus], since: datetime | None = None
    ) -> list[Booking]:
        """A client's bookings, soonest first.

        Args:
            client_id: The client.
            statuses: Which statuses to include.
            since: Only bookings ending after this instant, if given.

        Returns:
            Bookings by start time.
        """
        ...

    async def for_reader(
        self, reader_id: UUID, window: TimeWindow, *, statuses: Sequence[BookingStatus]
    ) -> list[Booking]:
        """A reader's bookings starting in a window, soonest first.

        Args:
            reader_id: The reader.
            window: UTC window on the start time.
            statuses: Which statuses to include.

        Returns:
            Bookings by start time.
        """
        ...

    async def lapsed_holds(self, now: datetime, limit: int) -> list[Booking]:
        """Holds whose time ran out.

        Args:
            now: The current instant.
            limit: Most rows to return.

        Returns:
            Held bookings with `hold_expires_at <= now`.
        """
        ...

    async def query(
        self,
        *,
        reader_id: UUID | None = None,
        client_email: str | None = None,
        status: BookingStatus | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Booking]:
        """Bookings for the admin API, newest start first.

        Args:
            reader_id: Filter by reader.
            client_email: Filter by the client's email.
            status: Filter by status.
            limit: Page size.
            offset: Rows to skip.

        Returns:
            Matching bookings.
        """
        ...


class ClientRepository(Protocol):
    """Clients."""

    async def get(self, client_id: UUID) -> Client | None:
        """One client.

        Args:
            client_id: Our id.

        Returns:
            The client, or None.
        """
        ...

    async def get_by_email(self, email: str) -> Client | None:
        """One client by email (case-insensitive).

        Args:
            email: The address.

        Returns:
            The client, or None.
        """
        ...

    async def add(self, client: Client) -> None:
        """Insert a client.

        Args:
            client: The new client.
        """
        ...

    async def newest(self, limit: int) -> list[Client]:
        """The most recently created clients.

        Args:
            limit: Most rows.

        Returns:
            Clients, newest first.
        """
        ...

    async def save(self, client: Client) -> None:
        """Write changed contact details and preferences.

        Args:
            client: The client as changed.
        """
        ...


class IdentityRepository(Protocol):
    """Chat accounts and one-time link codes."""

    async def find(
        self, channel: Channel, workspace: str, external_user_id: str
    ) -> Identity | None:
        """The identity of a chat account.

        Args:
            channel: The channel.
            workspace: Team / page id, or "".
            external_user_id: The platform's user id.

        Returns:
            The identity, or None for a first contact.
        """
        ...

    async def add(self, identity: Identity) -> None:
        """Insert an identity.

        Args:
            identity: The new identity.
        """
        ...

    async def save(self, identity: Identity) -> None:
        """Update owner, locale, chat id and last inbound time.

        Args:
            identity: The identity as changed.
        """
        ...

    async def for_client(self, client_id: UUID) -> list[Identity]:
        """Every chat account of a client, most recently active first.

        Args:
            client_id: The client.

        Returns:
            Identities.
        """
        ...

    async def for_reader(self, reader_id: UUID) -> list[Identity]:
        """Every chat account of a reader, most recently active first.

        Args:
            reader_id: The reader.

        Returns:
            Identities.
        """
        ...

    async def add_link_code(
        self,
        *,
        code_hash: str,
        reader_id: UUID | None,
        admin_id: UUID | None,
        expires_at: datetime,
        now: datetime,
    ) -> None:
        """Store a one-time link code (hashed).

        Args:
            code_hash: sha256 hex of the code.
            reader_id: The reader it links, or None.
            admin_id: The admin it links, or None.
            expires_at: When it stops working.
            now: Creation time.
        """
        ...

    async def consume_link_code(
        self, code_hash: str, now: datetime
    ) -> tuple[UUID | None, UUID | None] | None:
        """Use a link code once.

        Args:
            code_hash: sha256 hex of the code.
            now: Codes expired at this instant are refused.

        Returns:
            (reader_id, admin_id) it links, or None if unknown, used or expired.
        """
        ...


class PackageRepository(Protocol):
    """Prepaid sessions of package services."""

    async def available_credit(
        self, client_id: UUID, service_id: UUID, now: datetime
    ) -> UUID | None:
        """A credit with sessions left and not expired.

        Args:
            client_id: The client.
            service_id: The package service.
            now: Credits expired at this instant do not count.

        Returns:
            The credit id, or None.
        """
        ...

    async def consume(self, credit_id: UUID) -> bool:
        """Use one session of a credit.

        Args:
            credit_id: The credit.

        Returns:
            False if it had none left.
        """
        ...

    async def restore(self, credit_id: UUID) -> None:
        """Give back one session (free cancellation).

        Args:
            credit_id: The credit.
        """
        ...

    async def grant(
        self,
        *,
        client_id: UUID,
        service_id: UUID,
        sessions_total: int,
        sessions_remaining: int,
        now: datetime,
    ) -> UUID:
        """Record a bought package.

        Args:
            client_id: The buyer.
            service_id: The package service.
            sessions_total: Sessions in the package.
            sessions_remaining: Sessions not yet used.
            now: Purchase time.

        Returns:
            The new credit id.
        """
        ...


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


class UnitOfWork(Protocol):
    """One transaction over every repository; leaving without commit rolls back."""

    readers: ReaderRepository
    services: ServiceRepository
    availability: AvailabilityRepository
    bookings: BookingRepository
    clients: ClientRepository
    identities: IdentityRepository
    packages: PackageRepository
    outbox: OutboxRepository
    inbound: InboundRepository
    external_refs: ExternalRefRepository
    calendar_busy: CalendarBusyRepository
    reading_sessions: ReadingSessionRepository

    async def __aenter__(self) -> Self:
        """Begin the transaction.

        Returns:
            This unit of work.
        """
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the transaction: roll back whatever was not committed.

        Args:
            exc_type: Exception type, if leaving by an exception.
            exc: The exception, if any.
            tb: Its traceback, if any.
        """
        ...

    async def commit(self) -> None:
        """Make everything written so far permanent.

        Raises:
            SlotUnavailable: The database refused an overlapping booking.
        """
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work per operation."""

    def __call__(self) -> UnitOfWork:
        """A new, not yet entered, unit of work.

        Returns:
            The unit of work.
        """
        ...
