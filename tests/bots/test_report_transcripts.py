"""Reports in chat, as transcripts: a reader asks for their P&L, tax report and unpaid
invoices in English or Arabic and gets each as text and as a CSV document."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from bots.conversations.engine import build_engine
from bots.engine import MemoryConversationStore
from domain.billing import reader_money
from domain.enums import ReportKind
from tests.bots.test_reader_transcripts import linked_reader
from tests.support.chat_harness import ChatWorld, chat_world
from tests.support.factories import make_client, make_reader, make_service, seed
from tests.support.ledger_books import Books

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday


def report_link(reader_id: UUID, kind: ReportKind, start: date | None, end: date | None) -> str:
    return f"http://hub.test/reports/{kind.value}.csv?reader={reader_id}&from={start}&to={end}"


@pytest.fixture(params=["en", "ar"], ids=["english", "arabic"])
async def world(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", languages=[request.param], minimum_notice_minutes=0)
    reading = make_service(samia, price_minor=4000, currency="GBP")
    async with chat_world(database_url, NOW, [(samia, [reading])]) as world:
        deps = replace(world.deps, report_link=report_link)
        engine = build_engine(deps=deps, store=MemoryConversationStore())
        yield replace(world, deps=deps, engine=engine)


async def books_of(world: ChatWorld) -> Books:
    client = make_client(email="lina@example.com", name="Lina")
    await seed(world.database.uows, client)
    reader = world.readers[0]
    return Books(world.database.uows, world.clock, reader, {"GBP": world.services[0]}, client)


async def test_reader_asks_for_this_months_profit_and_loss_and_gets_the_csv(
    world: ChatWorld,
) -> None:
    books = await books_of(world)
    await books.paid()
    refunded = await books.paid()
    await books.refund(refunded, 1000)
    await reader_money.add_expense(
        uow=world.database.uows(), clock=world.clock, reader_id=books.reader.id, text="12.50 cards"
    )
    chat = await linked_reader(world, locale=world.readers[0].languages[0])

    if world.readers[0].languages == ["ar"]:
        await chat.say("الأرباح هذا الشهر")
        assert "الأرباح والخسائر، 2026-11:" in chat.text()
        [net] = [line for line in chat.text().splitlines() if line.startswith("الصافي:")]
        assert "36.50" in net
    else:
        await chat.say("pnl this month")
        assert chat.text().splitlines()[:7] == [
            "Profit and loss, 2026-11:",
            "Revenue: £80.00",
            "Refunds: -£10.00",
            "Tax: £0.00",
            "Platform fees: -£21.00",
            "Expenses: -£12.50",
            "Net: £36.50",
        ]
    csv = chat.last()
    assert csv.document_url == report_link(
        books.reader.id, ReportKind.PNL, date(2026, 11, 1), date(2026, 11, 30)
    )
    assert set((await books.net_by_currency()).values()) == {0}


async def test_a_period_nobody_can_read_gets_the_way_to_ask(world: ChatWorld) -> None:
    chat = await linked_reader(world, locale=world.readers[0].languages[0])

    await chat.say("pnl 2026-13")

    assert "2026Q4" in chat.text()  # the help names the forms that work
    assert all(reply.document_url is None for reply in chat.transcript[-1:])


async def test_reader_taps_from_the_pnl_to_the_unpaid_invoices(world: ChatWorld) -> None:
    books = await books_of(world)
    await reader_money.invoice_client(
        uow=world.database.uows(),
        clock=world.clock,
        reader_id=books.reader.id,
        client_ref="lina@example.com",
        amount_text="25",
        reason="follow-up",
    )
    chat = await linked_reader(world, locale="en")

    await chat.say("pnl last month")
    assert "Profit and loss, 2026-10:" in chat.text()
    await chat.tap("Unpaid invoices")

    assert "Unpaid invoices:" in chat.text()
    assert "· Lina · £25.00 · issued" in chat.text()
    assert "Total due: £25.00" in chat.text()
    assert chat.last().document_url == report_link(
        books.reader.id, ReportKind.OUTSTANDING, None, None
    )


async def test_the_tax_report_for_a_quarter_and_in_arabic_words(world: ChatWorld) -> None:
    books = await books_of(world)
    await books.paid()
    chat = await linked_reader(world, locale=world.readers[0].languages[0])

    await chat.say("tax report 2026Q4")
    fourth = chat.transcript[-2:]
    await chat.say("تقرير الضريبة ر3 ٢٠٢٦")  # Q3, in Arabic-Indic digits

    assert "2026Q4" in fourth[0].text
    assert "40.00" in fourth[0].text  # the paid reading's invoice; the reader charges no tax
    assert fourth[1].document_url == report_link(
        books.reader.id, ReportKind.TAX, date(2026, 10, 1), date(2026, 12, 31)
    )
    assert "2026Q3" in chat.text()
    assert chat.last().document_url is None  # nothing invoiced: nothing to download


async def test_a_client_cannot_ask_for_a_readers_reports(world: ChatWorld) -> None:
    books = await books_of(world)
    await books.paid()
    chat = world.chat()

    await chat.say("pnl this month")

    assert "Profit and loss" not in chat.text()
    assert "£" not in chat.text()
