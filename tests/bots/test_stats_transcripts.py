"""A reader's figures in chat, as transcripts: "stats", "revenue 2026-10", "ratings",
"retention", "peak hours" and "clients" in English and Arabic, each with its chart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bots.conversations.engine import build_engine
from bots.engine import HubFile, MemoryConversationStore
from domain.analytics.charts import BarChart, ChartSpec, Heatmap, LineChart
from tests.bots.test_reader_transcripts import linked_reader
from tests.domain.analytics.fixture_month import NOW, seed_month
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_reader, make_service


class Charts:
    """Stands in for the hub's renderer and file store: keeps each spec, gives a link."""

    def __init__(self) -> None:
        self.drawn: list[ChartSpec] = []

    async def __call__(self, spec: ChartSpec) -> HubFile:
        self.drawn.append(spec)
        n = len(self.drawn)
        return HubFile(key=f"{n:064x}", url=f"http://hub.test/files/{n}.png")


@pytest.fixture(params=["en", "ar"], ids=["english", "arabic"])
async def world(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", languages=[request.param], buffer_after_minutes=0)
    reading = make_service(samia, duration_minutes=60, price_minor=6000, name="Love reading")
    async with chat_world(database_url, NOW, [(samia, [reading])]) as world:
        await seed_month(world.database.uows, samia, reading)
        deps = replace(world.deps, chart_image=Charts())
        engine = build_engine(deps=deps, store=MemoryConversationStore())
        yield replace(world, deps=deps, engine=engine)


def arabic(world: ChatWorld) -> bool:
    return world.readers[0].languages == ["ar"]


async def reader_chat(world: ChatWorld) -> tuple[Chat, Charts]:
    chat = await linked_reader(world, locale=world.readers[0].languages[0])
    charts = world.deps.chart_image
    assert isinstance(charts, Charts)
    return chat, charts


async def test_reader_asks_for_stats_of_a_month_and_gets_the_figures_and_a_revenue_line(
    world: ChatWorld,
) -> None:
    chat, charts = await reader_chat(world)
    await chat.say("إحصائيات 2026-10" if arabic(world) else "stats 2026-10")
    if arabic(world):
        assert "2026-10" in chat.text()
        assert "71%" in chat.text()
    else:
        assert chat.text().splitlines()[:4] == [
            "Your figures for 2026-10:",
            "Sessions held: 5 (no-shows: 1, cancelled: 1, upcoming: 0)",
            "Completion rate: 71%",
            "Revenue: £180.50",
        ]
        assert "Rating: 4.0 ★ from 2" in chat.text()
    assert chat.last().image_file == HubFile(key=f"{1:064x}", url="http://hub.test/files/1.png")
    [line] = charts.drawn
    assert isinstance(line, LineChart)
    assert len(line.x_labels) == 31
    assert line.language == world.readers[0].languages[0]
    assert max(line.series[0].values) == 60.0


async def test_revenue_by_service_and_ratings_with_the_newest_comments(world: ChatWorld) -> None:
    chat, charts = await reader_chat(world)
    await chat.say("الإيرادات 2026-10" if arabic(world) else "revenue 2026-10")
    assert "150.50" in chat.text()
    assert "30.00" in chat.text()
    await chat.say("التقييمات 2026-10" if arabic(world) else "ratings 2026-10")
    assert "“Lovely”" in chat.text()
    bars = charts.drawn[-1]
    assert isinstance(bars, BarChart)
    assert bars.values == (0.0, 0.0, 1.0, 0.0, 1.0)


async def test_peak_hours_are_a_heatmap_in_the_readers_zone(world: ChatWorld) -> None:
    chat, charts = await reader_chat(world)
    await chat.say("أوقات الذروة 2026-10" if arabic(world) else "peak hours 2026-10")
    assert "Europe/London" in chat.text()
    heatmap = charts.drawn[-1]
    assert isinstance(heatmap, Heatmap)
    assert heatmap.matrix[6][0] == 1.0
    assert heatmap.matrix[6][1] == 1.0
    assert chat.last().image_file is not None


async def test_retention_and_clients_of_the_month(world: ChatWorld) -> None:
    chat, charts = await reader_chat(world)
    await chat.say("العملاء 2026-10" if arabic(world) else "clients 2026-10")
    if not arabic(world):
        assert chat.text().splitlines()[0] == "Clients, 2026-10: 2 new, 1 returning."
    await chat.say("الاحتفاظ 2026-10" if arabic(world) else "retention 2026-10")
    assert "100%" in chat.text()
    assert isinstance(charts.drawn[-1], BarChart)


async def test_a_future_or_unreadable_period_is_answered_not_charted(world: ChatWorld) -> None:
    chat, charts = await reader_chat(world)
    await chat.say("إحصائيات 2027-05" if arabic(world) else "stats 2027-05")
    assert chat.last().image_file is None
    await chat.say("إحصائيات غدا" if arabic(world) else "stats tomorrowish")
    assert chat.last().image_file is None
    assert chat.buttons()
    await chat.say("إحصائيات 2026-03" if arabic(world) else "stats 2026-03")
    if not arabic(world):
        assert chat.text().startswith("Nothing to count in 2026-03 yet")
    assert charts.drawn == []
