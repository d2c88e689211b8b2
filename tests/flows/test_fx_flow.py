"""`sync-fx-rates` as `samia flows run` and the deployments find it: the flow stores what
its dependencies' rate source publishes (here the bundled ECB history)."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.fx.bundled import BundledRateSource
from flows._deps import use_deps
from flows.fx import FxSync, sync_fx_rates_flow
from flows.registry import FLOW_NAMES, flow_by_name
from tests.flows.conftest import World


def test_the_flow_is_registered_by_its_deployment_name() -> None:
    assert "sync-fx-rates" in FLOW_NAMES
    assert flow_by_name("sync-fx-rates") is sync_fx_rates_flow
    assert sync_fx_rates_flow.name == "sync-fx-rates"


async def test_the_flow_stores_the_rates_of_the_source_it_is_given(world: World) -> None:
    backfill = (world.clock.now().date() - date(2026, 10, 1)).days
    source = BundledRateSource()

    with use_deps(world.deps(fx_rates=source)):
        first = await sync_fx_rates_flow.fn(FxSync(backfill_days=backfill))
        again = await sync_fx_rates_flow.fn()

    assert first["latest_day"] == "2026-10-30"
    assert first["new"] == first["fetched"] + first["derived"]
    assert first["derived"] > 0  # the pegged currencies, from each day's USD rate
    assert again["new"] == 0
    assert again["latest_day"] == "2026-10-30"


async def test_a_run_without_a_rate_source_fails_plainly(world: World) -> None:
    with use_deps(world.deps()), pytest.raises(RuntimeError, match="no FX rate source"):
        await sync_fx_rates_flow.fn()
