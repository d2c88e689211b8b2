"""`run-campaigns` as the flow: a confirmed campaign is sent by one run, a second run
sends nothing more, and the campaign is done with its report to the reader."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.clock import FixedClock
from domain.crm.campaigns import CampaignDraft, confirm_campaign, create_campaign
from domain.ports.notify import NoticeKind
from flows._deps import FlowDeps, use_deps
from flows.campaigns import run_campaigns_flow
from tests.support.accounts import StaticAccounts
from tests.support.campaign_world import EVERYONE, make_campaign_world
from tests.support.notifier import FakeNotifier

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def test_the_flow_sends_a_confirmed_campaign_once(database_url: str) -> None:
    world = await make_campaign_world(database_url, FixedClock(START), telegram=4)
    try:
        uows, clock = world.database.uows, world.clock
        draft = CampaignDraft(world.reader.id, EVERYONE, "New moon readings")
        made = await create_campaign(uows=uows, clock=clock, draft=draft)
        await confirm_campaign(
            uows=uows, clock=clock, campaign_id=made.id, reader_id=world.reader.id
        )
        notifier = FakeNotifier()
        deps = FlowDeps(
            uows=uows, clock=clock, notifier=notifier, accounts=StaticAccounts(None, None)
        )
        with use_deps(deps):
            first = await run_campaigns_flow.fn()
            second = await run_campaigns_flow.fn()
        assert (first["materialised"], first["sent"], first["finished"]) == (4, 4, [str(made.id)])
        assert (second["materialised"], second["sent"]) == (0, 0)
        assert len(notifier.of_kind(NoticeKind.CAMPAIGN)) == 4
        assert len(notifier.of_kind(NoticeKind.CAMPAIGN_REPORT)) == 1
    finally:
        await world.database.dispose()
