"""`repeat-expenses` as `samia flows run` and the deployments find it: due repeats, once."""

from __future__ import annotations

from datetime import timedelta

from domain.billing.reader_money import add_expense
from domain.enums import ExpenseRecurrence
from flows._deps import use_deps
from flows.expenses import repeat_expenses_flow
from flows.registry import FLOW_NAMES, flow_by_name
from tests.flows.conftest import World


def test_the_flow_is_registered_by_its_deployment_name() -> None:
    assert "repeat-expenses" in FLOW_NAMES
    assert flow_by_name("repeat-expenses") is repeat_expenses_flow


async def test_the_flow_writes_the_weeks_repeat_once(world: World) -> None:
    await add_expense(
        uow=world.database.uows(),
        clock=world.clock,
        reader_id=world.readers[0].id,
        text="20 studio",
        recurrence=ExpenseRecurrence.WEEKLY,
    )
    world.clock.advance(timedelta(days=7, hours=1))

    with use_deps(world.deps()):
        first = await repeat_expenses_flow.fn()
        again = await repeat_expenses_flow.fn()

    assert (first, again) == ({"repeats": 1}, {"repeats": 0})
