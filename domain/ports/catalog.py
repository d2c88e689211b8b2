"""Readers, what they sell and when they are open: the catalog side of storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.models import (
    DatedException,
    Reader,
    Service,
    WeeklyHours,
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

        Read the reader's bookings after it, never before: they then include every
        booking committed by whoever held the lock before. Data written without the lock
        (hours, time off, synced calendars) may be read before it, which keeps it short.

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


@dataclass(frozen=True, slots=True)
class PackageBalance:
    """What is left of one bought package, and the service it is for."""

    service_id: UUID
    sessions_left: int


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

    async def balance(self, credit_id: UUID) -> PackageBalance | None:
        """How many sessions of a credit are left.

        Args:
            credit_id: The credit.

        Returns:
            Its service and sessions left, or None if there is no such credit.
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
