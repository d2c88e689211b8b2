"""The SQL unit of work: one AsyncSession, one transaction, every repository on it."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.ports.analytics import ActivityRepository, AnalyticsRepository, FunnelRepository
from domain.ports.campaigns import CampaignRepository
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
from domain.ports.ratings import RatingRepository
from domain.ports.reports import ReportRepository
from domain.ports.segments import SegmentRepository
from domain.ports.storage import (
    AvailabilityRepository,
    BookingRepository,
    ClientRepository,
    IdentityRepository,
    InboundRepository,
    OutboxRepository,
    PackageRepository,
    ReaderRepository,
    ServiceRepository,
)
from storage.db import WriterRole, create_async_db_engine, session_factory, write_gate
from storage.repositories import (
    SqlAvailabilityRepository,
    SqlBookingRepository,
    SqlClientRepository,
    SqlIdentityRepository,
    SqlOutboxRepository,
    SqlPackageRepository,
    SqlReaderRepository,
    SqlServiceRepository,
)
from storage.repositories._common import overlap_as_slot_unavailable
from storage.repositories.activity import SqlActivityRepository
from storage.repositories.analytics import SqlAnalyticsRepository
from storage.repositories.calendar_busy import SqlCalendarBusyRepository
from storage.repositories.campaigns import SqlCampaignRepository
from storage.repositories.client_records import SqlClientRecordRepository
from storage.repositories.consent import SqlConsentRepository
from storage.repositories.dashboard_links import SqlDashboardLinkRepository
from storage.repositories.expenses import SqlExpenseRepository
from storage.repositories.external_refs import SqlExternalRefRepository
from storage.repositories.files import SqlFileStore
from storage.repositories.follow_ups import SqlFollowUpRepository
from storage.repositories.funnel import SqlFunnelRepository
from storage.repositories.fx_rates import SqlFxRateRepository
from storage.repositories.inbound import SqlInboundRepository
from storage.repositories.invoices import SqlInvoiceRepository
from storage.repositories.ledger import SqlLedgerRepository
from storage.repositories.login_codes import SqlLoginCodeRepository
from storage.repositories.loyalty import SqlLoyaltyRepository
from storage.repositories.payments import SqlPaymentRepository
from storage.repositories.payouts import SqlPayoutRepository
from storage.repositories.ratings import SqlRatingRepository
from storage.repositories.reading_sessions import SqlReadingSessionRepository
from storage.repositories.reports import SqlReportRepository
from storage.repositories.segments import SqlSegmentRepository
from storage.repositories.tax_rates import SqlTaxRateRepository


class SqlUnitOfWork:
    """`UnitOfWork` over one session; leaving without `commit()` rolls everything back.

    After `SlotUnavailable` (or any database error) the transaction is dead on
    PostgreSQL: leave the unit of work and start a new one rather than carry on.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Clock | None = None,
        gate: asyncio.Lock | None = None,
        read_only: bool = False,
    ) -> None:
        """Build the session and repositories; no connection is taken until the first statement."""
        self._session = sessions()
        self._gate = gate
        self._read_only = read_only
        self._entered = False
        # Typed as the Protocols: they declare plain (invariant) attributes, and this also
        # makes mypy check every repository against its Protocol.
        self.readers: ReaderRepository = SqlReaderRepository(self._session, clock)
        self.services: ServiceRepository = SqlServiceRepository(self._session, clock)
        self.availability: AvailabilityRepository = SqlAvailabilityRepository(self._session)
        self.bookings: BookingRepository = SqlBookingRepository(self._session, clock)
        self.clients: ClientRepository = SqlClientRepository(self._session, clock)
        self.identities: IdentityRepository = SqlIdentityRepository(self._session, clock)
        self.packages: PackageRepository = SqlPackageRepository(self._session)
        self.outbox: OutboxRepository = SqlOutboxRepository(self._session)
        self.inbound: InboundRepository = SqlInboundRepository(self._session)
        self.external_refs: ExternalRefRepository = SqlExternalRefRepository(self._session)
        self.calendar_busy: CalendarBusyRepository = SqlCalendarBusyRepository(self._session)
        self.reading_sessions: ReadingSessionRepository = SqlReadingSessionRepository(self._session)
        self.login_codes: LoginCodeRepository = SqlLoginCodeRepository(self._session)
        self.ledger: LedgerRepository = SqlLedgerRepository(self._session)
        self.invoices: InvoiceRepository = SqlInvoiceRepository(self._session)
        self.fx_rates: FxRateRepository = SqlFxRateRepository(self._session)
        self.payments: PaymentRepository = SqlPaymentRepository(self._session)
        self.tax_rates: TaxRateRepository = SqlTaxRateRepository(self._session)
        self.expenses: ExpenseRepository = SqlExpenseRepository(self._session, clock)
        self.payouts: PayoutRepository = SqlPayoutRepository(self._session)
        self.reports: ReportRepository = SqlReportRepository(self._session)
        self.analytics: AnalyticsRepository = SqlAnalyticsRepository(self._session)
        self.activity: ActivityRepository = SqlActivityRepository(self._session)
        self.funnel: FunnelRepository = SqlFunnelRepository(self._session)
        self.dashboard_links: DashboardLinkRepository = SqlDashboardLinkRepository(self._session)
        self.files: FileStore = SqlFileStore(self._session, clock)
        self.consent: ConsentRepository = SqlConsentRepository(self._session)
        self.segments: SegmentRepository = SqlSegmentRepository(self._session)
        self.client_records: ClientRecordRepository = SqlClientRecordRepository(self._session)
        self.loyalty: LoyaltyRepository = SqlLoyaltyRepository(self._session)
        self.campaigns: CampaignRepository = SqlCampaignRepository(self._session, clock)
        self.follow_ups: FollowUpRepository = SqlFollowUpRepository(self._session)
        self.ratings: RatingRepository = SqlRatingRepository(self._session)

    @property
    def session(self) -> AsyncSession:
        """The session, for storage code that must join this transaction (not for the domain)."""
        return self._session

    async def __aenter__(self) -> Self:
        """Begin the transaction (SQLite's BEGIN is sent with the first statement)."""
        if self._entered:
            raise RuntimeError("a unit of work is entered once; ask the factory for another")
        self._entered = True
        if self._gate is not None:
            await self._gate.acquire()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and give the connection back to the pool."""
        try:
            if self._session.in_transaction():
                await self._session.rollback()
        finally:
            try:
                await self._session.close()
            finally:
                if self._gate is not None:
                    self._gate.release()

    async def commit(self) -> None:
        """Flush and commit; PostgreSQL refusing an overlapping booking becomes SlotUnavailable."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit; ask for a writing one")
        with overlap_as_slot_unavailable():
            await self._session.commit()


class SqlUnitOfWorkFactory:
    """`UnitOfWorkFactory`: a fresh unit of work per operation, all sharing one engine."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        """Keep the session maker and the clock that stamps created_at / updated_at."""
        self._sessions = session_factory(engine, write_intent=True)
        self._readers = session_factory(engine, read_only=True)
        self._clock = clock
        self._gate = write_gate(engine)

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """A new, not yet entered, unit of work; `read_only` ones take no write lock."""
        if read_only:
            # WAL readers never wait for writers, and holding the write lock to read would
            # make every other process's writer wait for us (measured: 300 ms stalls of chat
            # turns behind the flows worker's reads, bench/chat_turns.py).
            return SqlUnitOfWork(self._readers, clock=self._clock, gate=None, read_only=True)
        return SqlUnitOfWork(self._sessions, clock=self._clock, gate=self._gate)


class Database:
    """The async engine and its unit-of-work factory, owned together so one call disposes both."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        """Wrap an existing engine (tests and the hub build it from settings)."""
        self.engine = engine
        self.uows = SqlUnitOfWorkFactory(engine, clock=clock)

    @classmethod
    def from_url(
        cls,
        url: str | URL,
        *,
        clock: Clock | None = None,
        writer_role: WriterRole | None = None,
        **engine_kwargs: Any,
    ) -> Self:
        """Open a plain `sqlite://` or `postgresql://` URL (drivers are picked in storage.db).

        `writer_role` ranks this process's writes against other processes on one SQLite
        file (the web server first, the flows worker after it); PostgreSQL ignores it.
        """
        engine = create_async_db_engine(url, **engine_kwargs)
        gate = write_gate(engine)
        if gate is not None and writer_role is not None:
            gate.rank(writer_role)
        return cls(engine, clock=clock)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


if TYPE_CHECKING:
    from domain.ports.storage import UnitOfWorkFactory

    def _conforms(factory: SqlUnitOfWorkFactory) -> UnitOfWorkFactory:
        """Let mypy check the structural match with the domain's Protocols."""
        return factory
