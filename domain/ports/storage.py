"""What the domain needs from storage: repositories grouped in one unit of work."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from domain.ports.analytics import ActivityRepository, AnalyticsRepository, FunnelRepository
from domain.ports.bookings import BookingRepository
from domain.ports.campaigns import CampaignRepository
from domain.ports.catalog import (
    AvailabilityRepository,
    PackageRepository,
    ReaderRepository,
    ServiceRepository,
)
from domain.ports.client_records import ClientRecordRepository
from domain.ports.consent import ConsentRepository
from domain.ports.dashboard import DashboardLinkRepository
from domain.ports.files import FileStore
from domain.ports.follow_ups import FollowUpRepository
from domain.ports.fx import FxRateRepository
from domain.ports.invoices import InvoiceRepository, TaxRateRepository
from domain.ports.ledger import LedgerRepository
from domain.ports.links import (
    CalendarBusyRepository,
    ExternalRefRepository,
    ReadingSessionRepository,
)
from domain.ports.login import LoginCodeRepository
from domain.ports.loyalty import LoyaltyRepository
from domain.ports.payment_records import ExpenseRepository, PaymentRepository
from domain.ports.payouts import PayoutRepository
from domain.ports.people import ClientRepository, IdentityRepository
from domain.ports.ratings import RatingRepository
from domain.ports.records import InboundRepository, OutboxRepository
from domain.ports.reports import ReportRepository
from domain.ports.segments import SegmentRepository


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
    login_codes: LoginCodeRepository
    ledger: LedgerRepository
    invoices: InvoiceRepository
    fx_rates: FxRateRepository
    payments: PaymentRepository
    tax_rates: TaxRateRepository
    expenses: ExpenseRepository
    payouts: PayoutRepository
    reports: ReportRepository
    analytics: AnalyticsRepository
    activity: ActivityRepository
    funnel: FunnelRepository
    dashboard_links: DashboardLinkRepository
    files: FileStore
    consent: ConsentRepository
    segments: SegmentRepository
    client_records: ClientRecordRepository
    loyalty: LoyaltyRepository
    campaigns: CampaignRepository
    follow_ups: FollowUpRepository
    ratings: RatingRepository

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

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new, not yet entered, unit of work.

        Args:
            read_only: The work only reads. It then neither waits for nor holds the
                database's write lock (SQLite has one for all processes), and `commit()`
                is refused.

        Returns:
            The unit of work.
        """
        ...


__all__ = (
    "AvailabilityRepository",
    "BookingRepository",
    "ClientRepository",
    "IdentityRepository",
    "InboundRepository",
    "OutboxRepository",
    "PackageRepository",
    "ReaderRepository",
    "ServiceRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
)
