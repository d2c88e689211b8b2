"""The platform's figures for an admin in Slack, as transcripts: "platform", "funnel",
"churn", "errors" and "live", on the hand-computed October of `fixture_month`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bots.conversations.engine import build_engine
from bots.engine import MemoryConversationStore
from domain.analytics import funnel as funnels
from domain.analytics.charts import Funnel, Heatmap
from domain.billing.reports import month
from domain.enums import Channel, FunnelStep, OutboxKind, OutboxStatus
from domain.identity import create_link_code
from storage.models import Admin, InboundEvent, OutboxMessage
from tests.bots.test_stats_transcripts import Charts
from tests.domain.analytics.fixture_month import NOW, seed_month
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_reader, make_service


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", buffer_after_minutes=0)
    reading = make_service(samia, duration_minutes=60, price_minor=6000, name="Love reading")
    async with chat_world(database_url, NOW, [(samia, [reading])]) as world:
        await seed_month(world.database.uows, samia, reading)
        deps = replace(world.deps, chart_image=Charts())
        engine = build_engine(deps=deps, store=MemoryConversationStore())
        yield replace(world, deps=deps, engine=engine)


async def admin_chat(world: ChatWorld) -> Chat:
    admin_id = uuid.uuid4()
    async with world.database.uows() as uow:
        await uow.session.execute(  # type: ignore[attr-defined]
            sa.insert(Admin).values(
                id=admin_id, name="Ops", email="ops@example.com", created_at=NOW
            )
        )
        await uow.commit()
    code = await create_link_code(uow=world.database.uows(), clock=world.clock, admin_id=admin_id)
    chat = world.chat(channel=Channel.SLACK, user="UADMIN")
    await chat.say(f"/link {code}")
    return chat


async def test_funnel_counts_each_clients_first_time_at_each_step(world: ChatWorld) -> None:
    async with world.database.uows(read_only=True) as uow:
        rows = await funnels.funnel(uow=uow, period=month(2026, 11))
    webchat = next(row for row in rows if row.channel == "webchat")
    assert webchat.count(FunnelStep.HELD) == 3
    assert webchat.count(FunnelStep.CONFIRMED) == 3
    assert webchat.count(FunnelStep.SESSION_HELD) == 3
    assert webchat.count(FunnelStep.REPEAT_BOOKING) == 2  # c1 and c2 booked after a session
    assert rows[0].channel == "all"


async def test_admin_asks_for_the_platform_and_the_funnel_in_slack(world: ChatWorld) -> None:
    chat = await admin_chat(world)
    await chat.say("platform 2026-10")
    assert chat.text().startswith("Platform, 2026-10:")
    assert "Love reading (Samia) 5" in chat.text()
    await chat.say("funnel 2026-11")
    assert "webchat: " in chat.text()
    charts = world.deps.chart_image
    assert isinstance(charts, Charts)
    assert isinstance(charts.drawn[-1], Funnel)
    assert chat.last().image_file is not None


async def test_errors_and_live_read_the_last_hour(world: ChatWorld) -> None:
    async with world.database.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        for n, error in enumerate((None, None, "boom")):
            await session.execute(
                sa.insert(InboundEvent).values(
                    id=uuid.uuid4(),
                    provider="telegram",
                    event_id=f"u{n}",
                    received_at=NOW - timedelta(minutes=5),
                    processed_at=NOW,
                    error=error,
                )
            )
        await session.execute(
            sa.insert(OutboxMessage).values(
                id=uuid.uuid4(),
                key="k1",
                kind=OutboxKind.BOOKING_CONFIRMED,
                payload={},
                status=OutboxStatus.DEAD,
                attempts=5,
                next_attempt_at=NOW,
                created_at=NOW,
                updated_at=NOW - timedelta(minutes=1),
            )
        )
        await uow.commit()
    chat = await admin_chat(world)
    await chat.say("errors")
    assert "telegram webhooks: 1 of 3 failed" in chat.text()
    assert "booking.confirmed: 1 of 1 failing" in chat.text()
    await chat.say("live")
    assert "Last hour: 9 bookings, 3 messages." in chat.text()
    charts = world.deps.chart_image
    assert isinstance(charts, Charts)
    assert isinstance(charts.drawn[-1], Heatmap)


async def test_a_reader_cannot_ask_for_the_platform(world: ChatWorld) -> None:
    from tests.bots.test_reader_transcripts import linked_reader

    chat = await linked_reader(world)
    await chat.say("platform")
    assert not chat.text().startswith("Platform,")
