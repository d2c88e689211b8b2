"""Paying readers what they are owed, exactly once, and telling them with a statement.

Paying one reader is one transaction: take the reader's payout lock, sum the legs no
payout has claimed, and per currency with a positive net write the payout row, its
ledger posting (reader payable -> cash) and the claim on those legs. So:
- a rerun finds the legs claimed and pays nothing (and the unique (reader, currency,
  period end) refuses a second row for the same period);
- two runs at once take turns on the lock, and the second sees what the first claimed;
- a leg committed between the sum and the claim makes the counts differ: the reader's
  transaction is rolled back and tried again, so what is paid is what is marked.
A dry run reads the same figures and writes nothing. A net of zero or less is not paid:
its legs stay unclaimed and count in the next period.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID, uuid4

from domain.billing.ledger import payout_posting
from domain.billing.statements import (
    Payout,
    PayoutStatement,
    default_period_end,
    period_cutoff,
    statement_of,
)
from domain.clock import Clock
from domain.enums import PayoutStatus
from domain.errors import ConcurrentUpdate, DomainError, NotFound
from domain.models import Reader
from domain.ports.notify import DeliveryReport, Notice, NoticeKind, Notifier
from domain.ports.statements import StatementDocument, StatementRenderer
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

ATTEMPTS = 3  # a reader's transaction is tried again when a leg landed mid-way


@dataclass(frozen=True, slots=True)
class ReaderPayouts:
    """One reader's statements (paid or carried forward) and the payouts written."""

    reader: Reader
    statements: list[PayoutStatement]
    payouts: list[Payout] = field(default_factory=list)
    paid_before: int = 0  # statements whose period had a payout already


@dataclass(frozen=True, slots=True)
class PayoutRun:
    """What a run did for every reader it looked at."""

    readers: list[ReaderPayouts]
    failures: dict[UUID, str] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def payouts(self) -> list[Payout]:
        """Every payout written."""
        return [p for r in self.readers for p in r.payouts]

    @property
    def statements(self) -> list[PayoutStatement]:
        """Every statement computed."""
        return [s for r in self.readers for s in r.statements]

    def paid_by_currency(self) -> dict[str, int]:
        """Net paid out per currency, in minor units."""
        return _net_by_currency(p.statement for p in self.payouts)

    def payable_by_currency(self) -> dict[str, int]:
        """What the payable statements come to per currency (what a dry run would pay)."""
        return _net_by_currency(s for s in self.statements if s.payable)


def _net_by_currency(statements: Iterable[PayoutStatement]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for statement in statements:
        totals[statement.currency] = totals.get(statement.currency, 0) + statement.net_minor
    return totals


Progress = Callable[[int, int], None]  # (readers done, readers in the run)


async def pay_reader(
    *,
    uow: UnitOfWork,
    clock: Clock,
    reader_id: UUID,
    period_end: date | None = None,
    dry_run: bool = False,
) -> ReaderPayouts:
    """One reader's statements up to `period_end` (default yesterday), paid unless a dry run."""
    now = clock.now()
    async with uow:
        reader = await uow.readers.get(reader_id)
        if reader is None:
            raise NotFound("reader not found")
        end = period_end or default_period_end(now, reader.timezone)
        before = period_cutoff(end, reader.timezone, now)
        if not dry_run:
            await uow.payouts.lock_reader(reader.id)
        statements = [
            statement_of(totals, reader_id=reader.id, period_end=end, timezone=reader.timezone)
            for totals in await uow.payouts.unpaid_totals(reader.id, before)
        ]
        if dry_run:
            return ReaderPayouts(reader, statements)
        written: list[Payout] = []
        for statement in statements:
            if statement.payable:  # else carried forward: its legs stay unclaimed
                paid = await _pay(uow, reader, statement, before, now)
                written.extend([paid] if paid else [])
        await uow.commit()
    paid_before = sum(1 for s in statements if s.payable) - len(written)
    return ReaderPayouts(reader, statements, written, paid_before)


async def _pay(
    uow: UnitOfWork, reader: Reader, statement: PayoutStatement, before: datetime, now: datetime
) -> Payout | None:
    """The payout row, the claim on the statement's legs and the posting; None when the
    period had a payout already (what arrived late then waits for the next period)."""
    payout_id = uuid4()
    posting = payout_posting(
        statement.net,
        reader_id=reader.id,
        memo=f"payout to {statement.period_end.isoformat()}",
        payout_id=payout_id,
    )
    payout = Payout(payout_id, statement, posting.id, PayoutStatus.BOOKED, now, paid_at=now)
    if not await uow.payouts.add(payout):
        return None
    claimed = await uow.payouts.claim(
        payout.id, reader_id=reader.id, currency=statement.currency, before=before
    )
    if claimed != statement.legs:  # a leg landed between the sums and the claim
        raise ConcurrentUpdate(f"reader {reader.slug}'s ledger changed while paying out")
    await uow.ledger.post(posting, now)
    return payout


async def run_payouts(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    period_end: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> PayoutRun:
    """Every reader with unclaimed legs, one transaction each; one failing stops no other."""
    async with uows(read_only=True) as uow:
        due = await uow.payouts.readers_due(clock.now())
    done: list[ReaderPayouts] = []
    failures: dict[UUID, str] = {}
    for index, reader_id in enumerate(due, 1):
        try:
            result = await _pay_with_retries(uows, clock, reader_id, period_end, dry_run)
        except DomainError as error:
            failures[reader_id] = str(error)
        else:
            if result.statements:
                done.append(result)
        if progress is not None:
            progress(index, len(due))
    return PayoutRun(done, failures, dry_run)


async def _pay_with_retries(
    uows: UnitOfWorkFactory,
    clock: Clock,
    reader_id: UUID,
    period_end: date | None,
    dry_run: bool,
) -> ReaderPayouts:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await pay_reader(
                uow=uows(read_only=dry_run),
                clock=clock,
                reader_id=reader_id,
                period_end=period_end,
                dry_run=dry_run,
            )
        except ConcurrentUpdate:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class StatementSent:
    """A payout whose statement was handed to the reader's notifier."""

    payout: Payout
    report: DeliveryReport


async def send_statements(
    *,
    uows: UnitOfWorkFactory,
    notifier: Notifier,
    link: Callable[[UUID], str],
    limit: int = 500,
) -> list[StatementSent]:
    """Each booked payout's statement to its reader's chat, as a PDF document, once.

    The notice's key is the payout's, so a retry after a crash finds it sent; a reader
    no channel can reach now gets it when one can (the notifier keeps it waiting).
    """
    async with uows(read_only=True) as uow:
        payouts = await uow.payouts.unsent(limit)
    sent = []
    for payout in payouts:
        report = await notifier.notify_reader(
            reader_id=payout.reader_id,
            notice=statement_notice(payout, link(payout.id)),
            idempotency_key=f"payout.statement:{payout.id}",
        )
        async with uows() as uow:
            await uow.payouts.mark_sent(payout.id)
            await uow.commit()
        sent.append(StatementSent(payout, report))
    return sent


def statement_notice(payout: Payout, document_url: str) -> Notice:
    """What the reader is told: the net paid, the period, and the statement's link."""
    s = payout.statement
    return Notice(
        NoticeKind.PAYOUT_STATEMENT,
        {
            "amount_minor": str(s.net_minor),
            "currency": s.currency,
            "period_start": s.period_start.isoformat(),
            "period_end": s.period_end.isoformat(),
            "sessions": str(s.sessions),
            "document_url": document_url,
        },
    )


async def reader_payouts(*, uow: UnitOfWork, reader_id: UUID, limit: int = 20) -> list[Payout]:
    """A reader's latest payouts."""
    async with uow:
        return await uow.payouts.for_reader(reader_id, limit)


async def statement_document(*, uow: UnitOfWork, payout_id: UUID) -> StatementDocument:
    """Everything the statement PDF shows: the payout, the reader's name, language, colours."""
    async with uow:
        payout = await uow.payouts.get(payout_id)
        reader = await uow.readers.get(payout.reader_id) if payout else None
    if payout is None or reader is None:
        raise NotFound("payout not found")
    return StatementDocument(
        payout=payout,
        reader_name=reader.brand,
        language=reader.languages[0] if reader.languages else "en",
        timezone=reader.timezone,
        reader_email=reader.email,
        brand_primary_color=reader.brand_primary_color,
        brand_accent_color=reader.brand_accent_color,
    )


async def render_statement(
    *, uow: UnitOfWork, renderer: StatementRenderer, payout_id: UUID
) -> bytes:
    """The statement's PDF, rendered in a worker thread so the event loop keeps answering."""
    document = await statement_document(uow=uow, payout_id=payout_id)
    return await asyncio.to_thread(renderer.render_statement, document)
