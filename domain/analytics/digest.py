"""The weekly digest: each reader's last week in one message with one chart, Monday 9:00
in their zone. Keyed by reader and week, so an hourly flow run sends it once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.analytics import reader as figures
from domain.analytics.charts import BarChart, ChartSpec
from domain.analytics.periods import week_of
from domain.billing.money import exponent
from domain.billing.reports import ReportPeriod
from domain.clock import Clock
from domain.models import Reader
from domain.ports.notify import DeliveryReport, Notice, NoticeKind, Notifier
from domain.ports.storage import UnitOfWorkFactory

SEND_HOUR = 9
# The hourly run sends the digest at 9:00; later hours catch a run that did not happen.
SEND_UNTIL_HOUR = 12


@dataclass(frozen=True, slots=True)
class StoredChart:
    """A chart drawn into the hub's file store: its key, and a signed link to it."""

    key: str
    url: str


ChartImage = Callable[[ChartSpec], Awaitable[StoredChart]]


@dataclass(frozen=True, slots=True)
class DigestSent:
    """One reader's digest and what the notifier did with it."""

    reader_id: str
    week: ReportPeriod
    report: DeliveryReport


def week_due(reader: Reader, now: datetime) -> ReportPeriod | None:
    """The week just ended, when it is Monday morning (9:00 to noon) where the reader is."""
    local = now.astimezone(ZoneInfo(reader.timezone))
    if local.weekday() != 0 or not SEND_HOUR <= local.hour < SEND_UNTIL_HOUR:
        return None
    # Monday-to-Sunday: the digest goes out on Monday, so it sums the seven days before.
    return week_of(local.date() - timedelta(days=7), "en_GB")


async def send_weekly_digests(
    *, uows: UnitOfWorkFactory, clock: Clock, notifier: Notifier, chart: ChartImage | None
) -> list[DigestSent]:
    """Every reader whose Monday morning it is gets their week, once per week."""
    now = clock.now()
    async with uows(read_only=True) as uow:
        readers = await uow.readers.list_active()
    sent = []
    for reader in readers:
        week = week_due(reader, now)
        if week is None:
            continue
        notice = await digest_notice(uows=uows, clock=clock, reader=reader, week=week, chart=chart)
        report = await notifier.notify_reader(
            reader_id=reader.id,
            notice=notice,
            idempotency_key=f"digest:{reader.id}:{week.start.isoformat()}",
        )
        sent.append(DigestSent(str(reader.id), week, report))
    return sent


async def digest_notice(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    reader: Reader,
    week: ReportPeriod,
    chart: ChartImage | None,
) -> Notice:
    """The week's figures as raw values, and the revenue per day as a chart link."""
    await figures.reader_for(uows=uows, clock=clock, reader_id=reader.id)
    async with uows(read_only=True) as uow:
        revenue = await figures.revenue(uow=uow, reader=reader, period=week)
        sessions = await figures.sessions(uow=uow, reader=reader, period=week)
        ratings = await figures.ratings(uow=uow, reader=reader, period=week)
        clients = await figures.retention(uow=uow, reader=reader, period=week, cohort_months=1)
    params = {
        "period_start": week.start.isoformat(),
        "period_end": week.end.isoformat(),
        "sessions": str(sessions.completed),
        "no_show": str(sessions.no_show),
        "cancelled": str(sessions.cancelled),
        "revenue_minor": str(revenue.net_minor),
        "currency": revenue.currency,
        "rating": f"{ratings.average:.1f}" if ratings.average is not None else "",
        "ratings": str(ratings.count),
        "new_clients": str(clients.new_clients),
    }
    if chart is not None and (revenue.payments or sessions.completed):
        stored = await chart(_week_chart(reader, week, revenue))
        params |= {"image_key": stored.key, "image_url": stored.url}
    return Notice(NoticeKind.WEEKLY_DIGEST, params)


def _week_chart(reader: Reader, week: ReportPeriod, revenue: figures.Revenue) -> BarChart:
    """Revenue per day; labels are dates and the currency, the same in every language."""
    scale = 10 ** exponent(revenue.currency)
    days = revenue.by_bucket
    return BarChart(
        title=f"{revenue.currency}  {week.start.isoformat()} – {week.end.isoformat()}",
        language=(reader.languages or ["en"])[0],
        primary_color=reader.brand_primary_color,
        accent_color=reader.brand_accent_color,
        labels=tuple(day[5:] for day, _ in days),
        values=tuple(net / scale for _, net in days),
        unit=revenue.currency,
        horizontal=False,
    )
