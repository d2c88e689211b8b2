"""A reader's ledger as operators read it: whole postings for a period, and whom it is for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from domain.billing.report_figures import LedgerLine
from domain.billing.reports import ReportPeriod
from domain.billing.statements import day_start
from domain.errors import NotFound
from domain.models import Reader
from domain.ports.storage import UnitOfWork

MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class LedgerPage:
    """Some of a reader's postings, every leg of each, oldest first."""

    reader: Reader
    period: ReportPeriod
    lines: list[LedgerLine]

    def net_by_currency(self) -> dict[str, int]:
        """Debits minus credits of the page per currency: zero, as every posting balances."""
        net: defaultdict[str, int] = defaultdict(int)
        for line in self.lines:
            net[line.currency] += line.signed_minor
        return dict(net)


async def find_reader(uow: UnitOfWork, ref: str) -> Reader:
    """A reader by slug, booking-page slug or id; NotFound otherwise."""
    wanted = ref.strip()
    reader = await uow.readers.get_by_slug(wanted) if wanted else None
    if reader is None:
        try:
            reader = await uow.readers.get(UUID(wanted))
        except ValueError:
            reader = None
    if reader is None:
        raise NotFound(f"no reader {wanted or '(none)'}")
    return reader


async def reader_ledger(
    *, uow: UnitOfWork, reader_id: UUID, period: ReportPeriod, limit: int = 200, offset: int = 0
) -> LedgerPage:
    """The reader's postings booked on the period's days (their calendar), a page at a time."""
    async with uow:
        reader = await uow.readers.get(reader_id)
        if reader is None:
            raise NotFound("reader not found")
        lines = await uow.reports.postings(
            reader.id,
            day_start(period.start, reader.timezone),
            day_start(period.after, reader.timezone),
            max(1, min(limit, MAX_PAGE)),
            max(0, offset),
        )
    return LedgerPage(reader, period, lines)
