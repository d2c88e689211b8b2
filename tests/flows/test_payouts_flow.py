"""`run-payouts` as `samia flows run` and the weekly deployment find it: readers are paid
once, each gets their statement in chat once, a dry run writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
import yaml

from domain.enums import LedgerAccount
from domain.ports.notify import NoticeKind
from flows._deps import use_deps
from flows.payouts import PayoutRequest, run_payouts_flow
from flows.registry import FLOW_NAMES, flow_by_name
from tests.flows.conftest import World
from tests.support.ledger_books import Books

REPO = Path(__file__).resolve().parents[2]


def link(payout_id: UUID) -> str:
    return f"http://hub.test/api/v1/payouts/{payout_id}/statement.pdf?exp=1&sig=x"


def books_of(world: World) -> Books:
    reader, service = world.readers[0], world.services[0]
    return Books(
        world.database.uows,
        world.clock,
        reader,
        {reader.currency: service},
        world.clients[0],
        platform_currency=reader.currency,
    )


async def owed(world: World) -> int:
    reader = world.readers[0]
    async with world.database.uows(read_only=True) as uow:
        return await uow.ledger.balance(LedgerAccount.READER_PAYABLE, reader.currency, reader.id)


def test_the_flow_is_registered_and_deployed_weekly() -> None:
    assert "run-payouts" in FLOW_NAMES
    assert flow_by_name("run-payouts") is run_payouts_flow
    deployments = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
    [deployment] = [d for d in deployments if d["name"] == "run-payouts"]
    assert deployment["entrypoint"] == "hub/flow_entrypoints.py:run_payouts_flow"
    [schedule] = deployment["schedules"]
    assert schedule["cron"].split()[2:] == ["*", "*", "1"]  # every Monday


async def test_a_run_pays_each_reader_once_and_sends_the_statement_once(world: World) -> None:
    books = books_of(world)
    await books.paid()
    await books.paid()
    books.advance(days=1)

    with use_deps(world.deps(statement_link=link)):
        first = await run_payouts_flow.fn()
        again = await run_payouts_flow.fn()

    assert first["payouts"] == 1
    assert first["statements_sent"] == 1
    reader = world.readers[0]
    assert first["paid"] == {reader.currency: 2 * 4500 * 7000 // 10000}
    assert again["payouts"] == 0
    assert again["statements_sent"] == 0
    [sent] = world.notifier.of_kind(NoticeKind.PAYOUT_STATEMENT)
    assert sent.person_id == reader.id
    assert sent.notice.params["document_url"].startswith("http://hub.test/api/v1/payouts/")
    assert await owed(world) == 0
    assert set((await books.net_by_currency()).values()) == {0}


async def test_a_statement_that_failed_to_send_goes_on_the_next_run(world: World) -> None:
    from domain.errors import PermanentConnectorError

    books = books_of(world)
    await books.paid()
    books.advance(days=1)
    world.notifier.fail_next(1, PermanentConnectorError("chat down"))

    with use_deps(world.deps(statement_link=link)):
        with pytest.raises(PermanentConnectorError):
            await run_payouts_flow.fn()
        books.advance(days=7)
        later = await run_payouts_flow.fn()

    assert later["payouts"] == 0  # paid on the first run already
    assert later["statements_sent"] == 1
    assert len(world.notifier.of_kind(NoticeKind.PAYOUT_STATEMENT)) == 1
    assert await owed(world) == 0


async def test_a_dry_run_reports_what_would_be_paid_and_writes_nothing(world: World) -> None:
    books = books_of(world)
    await books.paid()
    books.advance(days=1)

    with use_deps(world.deps(statement_link=link)):
        dry = await run_payouts_flow.fn(PayoutRequest(dry_run=True))

    assert (dry["dry_run"], dry["readers"], dry["payouts"]) == (True, 1, 0)
    assert world.notifier.sent == []
    assert await owed(world) == 3150


async def test_a_period_that_has_not_ended_fails_that_reader_plainly(world: World) -> None:
    books = books_of(world)
    await books.paid()
    books.advance(seconds=1)
    today = world.clock.now().date()

    with use_deps(world.deps(statement_link=link)):
        result = await run_payouts_flow.fn(PayoutRequest(period_end=today + timedelta(days=1)))

    [reason] = result["failures"].values()
    assert "finished days" in reason
    assert await owed(world) == 3150
