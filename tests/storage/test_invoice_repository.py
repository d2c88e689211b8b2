"""Invoices in SQL: numbered per reader and year without gaps, lines kept, credit notes
never more than the invoice; on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from domain.billing.invoices import LineRequest, TaxRule
from domain.billing.invoicing import InvoiceRequest, credit_invoice, issue_invoice
from domain.billing.money import InvalidAmount
from domain.clock import FixedClock
from domain.enums import InvoiceKind
from domain.errors import NotFound
from storage.uow import Database
from tests.support.factories import NOW, make_client, make_reader, seed


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, clock=FixedClock(NOW))
    yield database
    await database.dispose()


async def a_reader_and_client(db: Database, slug: str = "samia"):  # type: ignore[no-untyped-def]
    reader, client = make_reader(slug=slug), make_client()
    await seed(db.uows, reader, client)
    return reader, client


def reading(reader, client) -> InvoiceRequest:  # type: ignore[no-untyped-def]
    return InvoiceRequest(
        reader.id, client.id, "GBP", [LineRequest("Love reading", 6000)], TaxRule(2000)
    )


async def test_invoices_are_numbered_per_reader_and_year_without_gaps(db: Database) -> None:
    samia, client = await a_reader_and_client(db)
    layla, _ = await a_reader_and_client(db, "layla")
    clock = FixedClock(NOW)

    first = await issue_invoice(uow=db.uows(), clock=clock, request=reading(samia, client))
    other = await issue_invoice(uow=db.uows(), clock=clock, request=reading(layla, client))
    second = await issue_invoice(uow=db.uows(), clock=clock, request=reading(samia, client))
    clock.advance(timedelta(days=40))  # NOW is late November: this is the next year
    next_year = await issue_invoice(uow=db.uows(), clock=clock, request=reading(samia, client))

    assert [first.number, second.number] == ["SAM-2026-000001", "SAM-2026-000002"]
    assert other.number == "LAY-2026-000001"
    assert next_year.number == "SAM-2027-000001"


async def test_a_refused_invoice_gives_its_number_back(db: Database) -> None:
    reader, client = await a_reader_and_client(db)
    clock = FixedClock(NOW)
    nothing = InvoiceRequest(reader.id, client.id, "GBP", [], TaxRule())
    with pytest.raises(InvalidAmount):  # refused after the number was taken
        await issue_invoice(uow=db.uows(), clock=clock, request=nothing)

    issued = await issue_invoice(uow=db.uows(), clock=clock, request=reading(reader, client))

    assert issued.number == "SAM-2026-000001"


async def test_concurrent_invoices_get_distinct_consecutive_numbers(db: Database) -> None:
    reader, client = await a_reader_and_client(db)
    clock = FixedClock(NOW)

    issued = await asyncio.gather(
        *(
            issue_invoice(uow=db.uows(), clock=clock, request=reading(reader, client))
            for _ in range(8)
        )
    )

    assert sorted(i.number for i in issued) == [f"SAM-2026-{n:06d}" for n in range(1, 9)]


async def test_an_invoice_reads_back_with_its_lines_and_sums(db: Database) -> None:
    reader, client = await a_reader_and_client(db)
    request = InvoiceRequest(
        reader.id,
        client.id,
        "KWD",
        [LineRequest("Reading", 12_345), LineRequest("Spread", 500, 3)],
        TaxRule(500, inclusive=False),
    )
    issued = await issue_invoice(uow=db.uows(), clock=FixedClock(NOW), request=request)

    async with db.uows(read_only=True) as uow:
        stored = await uow.invoices.get(issued.id)

    assert stored == issued
    assert str(stored.total) == "14.537 KWD"  # 13.845 net, 0.617 + 0.075 tax


async def test_a_credit_note_reverses_an_invoice_and_never_more(db: Database) -> None:
    reader, client = await a_reader_and_client(db)
    clock = FixedClock(NOW)
    issued = await issue_invoice(uow=db.uows(), clock=clock, request=reading(reader, client))

    part = await credit_invoice(
        uow=db.uows(), clock=clock, invoice_id=issued.id, lines=[LineRequest("Late fee back", 1500)]
    )
    with pytest.raises(InvalidAmount, match="can still be credited"):
        await credit_invoice(uow=db.uows(), clock=clock, invoice_id=issued.id)

    assert part.kind is InvoiceKind.CREDIT_NOTE
    assert part.number == "SAM-2026-000002"
    assert part.credits_invoice_id == issued.id
    assert part.tax.amount_minor == 250  # the invoice's own 20 % inside 15.00


async def test_an_invoice_for_an_unknown_client_is_refused(db: Database) -> None:
    reader, _ = await a_reader_and_client(db)
    stranger = make_client()  # never stored
    with pytest.raises(NotFound):
        await issue_invoice(uow=db.uows(), clock=FixedClock(NOW), request=reading(reader, stranger))
