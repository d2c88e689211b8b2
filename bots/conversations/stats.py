"""A reader's figures in chat: "stats", "revenue 2026-10", "ratings", "retention",
"peak hours", "clients"; each a short text and, where one helps, a chart image.

The figures come from domain/analytics (rollups brought up to date first); the words,
numbers and chart labels are in the reader's language, the chart in their colours.
"""

from __future__ import annotations

from bots.conversations import stats_charts as charts
from bots.conversations.common import Conv
from bots.conversations.deps import ChatDeps
from bots.conversations.stats_common import answer, money, percent, today
from bots.conversations.verbs import StatsVerb as Verb
from bots.engine import Conversation, InboundEvent, Step, Turn
from bots.language.messages import Msg
from domain.analytics import reader as figures
from domain.analytics.charts import ChartSpec
from domain.billing.reports import ReportPeriod
from domain.enums import Role
from domain.models import Reader


async def _summary(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod
) -> tuple[str, ChartSpec | None]:
    async with turn.deps.uows(read_only=True) as uow:
        revenue = await figures.revenue(uow=uow, reader=reader, period=period, today=today(turn))
        sessions = await figures.sessions(uow=uow, reader=reader, period=period)
        ratings = await figures.ratings(uow=uow, reader=reader, period=period)
    held = sessions.completed + sessions.no_show + sessions.cancelled + sessions.upcoming
    if not held and not revenue.payments and not ratings.count:
        return turn.t(Msg.STATS_NO_DATA, period=period.label), None
    rating = (
        turn.t(Msg.STATS_RATING, average=f"{ratings.average:.1f}", count=ratings.count)
        if ratings.average is not None
        else turn.t(Msg.STATS_NOT_YET)
    )
    text = turn.t(
        Msg.STATS_SUMMARY,
        period=period.label,
        completed=sessions.completed,
        no_show=sessions.no_show,
        cancelled=sessions.cancelled,
        upcoming=sessions.upcoming,
        completion=percent(turn, sessions.completion_rate),
        revenue=money(turn, revenue.currency)(revenue.net_minor),
        rating=rating,
        utilisation=percent(turn, sessions.utilisation),
    )
    return text, charts.revenue_line(turn, reader, period, revenue) if revenue.payments else None


async def stats(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'stats', 'stats last month': the period's sessions, money and stars in one message."""
    return await answer(turn, event, "intent:stats", "this month", _summary)


async def _revenue(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod
) -> tuple[str, ChartSpec | None]:
    async with turn.deps.uows(read_only=True) as uow:
        revenue = await figures.revenue(uow=uow, reader=reader, period=period, today=today(turn))
    if not revenue.payments:
        return turn.t(Msg.REVENUE_NO_DATA, period=period.label), None
    m = money(turn, revenue.currency)
    lines = [
        turn.t(
            Msg.REVENUE_REPORT,
            period=period.label,
            net=m(revenue.net_minor),
            gross=m(revenue.gross_minor),
            payments=revenue.payments,
            refunded=m(revenue.refunded_minor),
        ),
        turn.t(Msg.REVENUE_BY_SERVICE),
        *(f"• {name}: {m(net)}" for name, net in revenue.by_service[:5]),
    ]
    return "\n".join(lines), charts.revenue_line(turn, reader, period, revenue)


async def revenue(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'revenue 2026-10': net revenue per day (or month) and per service, with a line."""
    return await answer(turn, event, "intent:revenue", "this month", _revenue)


async def _ratings(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod
) -> tuple[str, ChartSpec | None]:
    async with turn.deps.uows(read_only=True) as uow:
        ratings = await figures.ratings(uow=uow, reader=reader, period=period)
    if ratings.average is None:
        return turn.t(Msg.RATINGS_NO_DATA, period=period.label), None
    lines = [
        turn.t(
            Msg.RATINGS_REPORT,
            period=period.label,
            average=f"{ratings.average:.1f}",
            count=ratings.count,
        )
    ]
    if ratings.recent:
        lines.append(turn.t(Msg.RATINGS_RECENT))
        lines += [f"• {'★' * f.stars} “{f.text[:140]}”" for f in ratings.recent[:3]]
    return "\n".join(lines), charts.ratings_bars(turn, reader, period, ratings)


async def ratings(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'ratings': the average, how many of each star, the newest comments."""
    return await answer(turn, event, "intent:ratings", "last 90 days", _ratings)


async def _retention(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod
) -> tuple[str, ChartSpec | None]:
    async with turn.deps.uows(read_only=True) as uow:
        kept = await figures.retention(uow=uow, reader=reader, period=period)
    if not kept.clients:
        return turn.t(Msg.RETENTION_NO_DATA), None
    days = "–"
    lines = [
        turn.t(
            Msg.RETENTION_REPORT,
            repeat=percent(turn, kept.repeat_rate),
            clients=kept.clients,
            period=period.label,
            new=kept.new_clients,
            returning=kept.returning_clients,
            average=f"{kept.average_days_between:.0f}" if kept.average_days_between else days,
            median=f"{kept.median_days_between:.0f}" if kept.median_days_between else days,
        )
    ]
    for cohort in kept.cohorts:
        if cohort.size and cohort.retained:
            back = percent(turn, cohort.retained[0])
            lines.append(
                "• " + turn.t(Msg.RETENTION_COHORT, month=cohort.month, size=cohort.size, back=back)
            )
    return "\n".join(lines), charts.cohort_bars(turn, reader, kept)


async def retention(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'retention': repeat rate, time between sessions, cohorts by first month."""
    return await answer(turn, event, "intent:retention", "this month", _retention)


async def _peak(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod
) -> tuple[str, ChartSpec | None]:
    async with turn.deps.uows(read_only=True) as uow:
        peak = await figures.peak_hours(uow=uow, reader=reader, period=period)
    if not peak.total:
        return turn.t(Msg.PEAK_NO_DATA, period=period.label), None
    names = charts.weekday_names(turn)
    lines = [turn.t(Msg.PEAK_REPORT, period=period.label, zone=reader.timezone)]
    lines += [
        "• " + turn.t(Msg.PEAK_LINE, day=names[day], hour=f"{hour:02d}", sessions=n)
        for day, hour, n in peak.busiest
    ]
    return "\n".join(lines), charts.peak_heatmap(turn, reader, period, peak)


async def peak_hours(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'peak hours': the weekday x hour matrix in the reader's zone, as a heatmap."""
    return await answer(turn, event, "intent:peak", "last 90 days", _peak)


async def _clients(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod
) -> tuple[str, ChartSpec | None]:
    async with turn.deps.uows(read_only=True) as uow:
        kept = await figures.retention(uow=uow, reader=reader, period=period, cohort_months=1)
    if not kept.clients:
        return turn.t(Msg.RETENTION_NO_DATA), None
    text = turn.t(
        Msg.CLIENTS_REPORT,
        period=period.label,
        new=kept.new_clients,
        returning=kept.returning_clients,
        clients=kept.clients,
        repeat=percent(turn, kept.repeat_rate),
    )
    return text, charts.clients_bars(turn, reader, period, kept)


async def clients(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'clients': new and returning clients in the period, and the all-time repeat rate."""
    return await answer(turn, event, "intent:clients", "this month", _clients)


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.STATS,
    roles=frozenset({Role.READER}),
    entry={
        "intent:stats": stats,
        "intent:revenue": revenue,
        "intent:ratings": ratings,
        "intent:retention": retention,
        "intent:peak": peak_hours,
        "intent:clients": clients,
    },
    actions={
        Verb.STATS: stats,
        Verb.REVENUE: revenue,
        Verb.RATINGS: ratings,
        Verb.RETENTION: retention,
        Verb.PEAK: peak_hours,
        Verb.CLIENTS: clients,
    },
)
