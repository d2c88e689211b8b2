"""The weekly digest goes out at 9:00 on Monday in each reader's zone, once per week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bots.notices import Audience, render_notice
from domain.analytics.charts import BarChart, ChartSpec
from domain.analytics.digest import StoredChart, send_weekly_digests
from domain.clock import FixedClock
from domain.ports.notify import NoticeKind
from storage.uow import Database
from tests.domain.analytics.fixture_month import seed_month
from tests.support.notifier import FakeNotifier

# Monday 2 November 2026, 09:30 in London (GMT): the week of 26 Oct - 1 Nov is due.
MONDAY_MORNING = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


async def test_each_reader_gets_last_week_once_on_monday_morning(database_url: str) -> None:
    clock = FixedClock(MONDAY_MORNING)
    database = Database.from_url(database_url, clock=clock)
    drawn: list[ChartSpec] = []

    async def chart(spec: ChartSpec) -> StoredChart:
        drawn.append(spec)
        return StoredChart("ab" * 32, "http://hub.test/charts/week.png")

    try:
        month = await seed_month(database.uows)
        notifier = FakeNotifier()
        for _ in range(2):  # the hourly flow runs again: nothing is sent twice
            await send_weekly_digests(
                uows=database.uows, clock=clock, notifier=notifier, chart=chart
            )
        [sent] = notifier.of_kind(NoticeKind.WEEKLY_DIGEST)
        params = sent.notice.params
        assert sent.person_id == month.reader.id
        assert (params["period_start"], params["period_end"]) == ("2026-10-26", "2026-11-01")
        # s5 (Wed 28) and s6 (Fri 30) were held; s3 no-show, s4 cancelled.
        assert (params["sessions"], params["no_show"], params["cancelled"]) == ("2", "1", "1")
        assert params["revenue_minor"] == "3000"  # the ad-hoc invoice paid on Sat 31
        assert params["image_url"] == "http://hub.test/charts/week.png"
        assert isinstance(drawn[0], BarChart)
        assert len(drawn[0].labels) == 7
        reply = await render_notice(
            uows=database.uows,
            notice=sent.notice,
            audience=Audience(language="en", timezone="Europe/London", is_client=False),
        )
        assert reply.text.startswith("Your week, ")
        assert "Sessions held: 2 (no-shows: 1, cancelled: 1)" in reply.text
        assert reply.image_file is not None
        assert reply.image_file.key == "ab" * 32

        clock.advance(timedelta(days=1))  # Tuesday: nothing due
        assert (
            await send_weekly_digests(
                uows=database.uows, clock=clock, notifier=notifier, chart=chart
            )
            == []
        )
    finally:
        await database.dispose()
