"""Chart specs for the chat's figures: labels in the reader's words, their brand colours."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from bots.conversations.deps import ChatDeps
from bots.engine import Turn
from bots.language.formatting import format_weekday
from bots.language.messages import Msg
from domain.analytics import reader as figures
from domain.analytics.charts import BarChart, Heatmap, LineChart, Series
from domain.billing.money import exponent
from domain.billing.reports import ReportPeriod
from domain.models import Reader


def _look(turn: Turn[ChatDeps], reader: Reader, title: str, subtitle: str) -> dict[str, Any]:
    """What every chart of this reader shares: language, colours, title and period line."""
    return {
        "title": title,
        "subtitle": subtitle,
        "language": turn.actor.language,
        "primary_color": reader.brand_primary_color,
        "accent_color": reader.brand_accent_color,
    }


def _locale(turn: Turn[ChatDeps]) -> str:
    return turn.actor.language.replace("-", "_")


def _bucket_label(turn: Turn[ChatDeps], key: str) -> str:
    """'2026-10-03' as '3 Oct', '2026-10' as 'Oct 2026', in the reader's language."""
    if len(key) == 10:
        return format_date(date.fromisoformat(key), "d MMM", locale=_locale(turn))
    return format_date(date.fromisoformat(f"{key}-01"), "MMM y", locale=_locale(turn))


def revenue_line(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod, revenue: figures.Revenue
) -> LineChart:
    """Net revenue per day (or month) of the period, in major units of the currency."""
    scale = 10 ** exponent(revenue.currency)
    title = turn.t(Msg.REVENUE_CHART, currency=revenue.currency)
    return LineChart(
        **_look(turn, reader, title, period.label),
        x_labels=tuple(_bucket_label(turn, key) for key, _ in revenue.by_bucket),
        series=(Series(revenue.currency, tuple(net / scale for _, net in revenue.by_bucket)),),
        unit=revenue.currency,
    )


def ratings_bars(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod, ratings: figures.Ratings
) -> BarChart:
    """How many ratings gave each number of stars."""
    return BarChart.ratings(
        counts=[ratings.distribution[stars] for stars in range(1, 6)],
        **_look(turn, reader, turn.t(Msg.RATINGS_CHART), period.label),
    )


def weekday_names(turn: Turn[ChatDeps]) -> list[str]:
    """Monday..Sunday, short, in the reader's language."""
    return [format_weekday(day, turn.actor.language, width="abbreviated") for day in range(7)]


def peak_heatmap(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod, peak: figures.PeakHours
) -> Heatmap:
    """Sessions by weekday and local hour, in the reader's zone."""
    return Heatmap(
        **_look(turn, reader, turn.t(Msg.PEAK_CHART), f"{period.label} · {reader.timezone}"),
        row_labels=tuple(weekday_names(turn)),
        column_labels=tuple(f"{hour:02d}" for hour in range(24)),
        matrix=tuple(tuple(float(n) for n in row) for row in peak.matrix),
    )


def cohort_bars(turn: Turn[ChatDeps], reader: Reader, kept: figures.Retention) -> BarChart | None:
    """The share of each month's new clients who came back the month after."""
    followed = [c for c in kept.cohorts if c.size and c.retained]
    if not followed:
        return None
    return BarChart(
        **_look(turn, reader, turn.t(Msg.RETENTION_CHART), ""),
        labels=tuple(_bucket_label(turn, c.month) for c in followed),
        values=tuple(round(c.retained[0] * 100, 1) for c in followed),
        value_labels=tuple(f"{round(c.retained[0] * 100)}%" for c in followed),
        unit="%",
        horizontal=False,
    )


def clients_bars(
    turn: Turn[ChatDeps], reader: Reader, period: ReportPeriod, kept: figures.Retention
) -> BarChart | None:
    """New against returning clients of the period."""
    if not kept.new_clients and not kept.returning_clients:
        return None
    return BarChart(
        **_look(turn, reader, turn.t(Msg.CLIENTS_CHART), period.label),
        labels=(turn.t(Msg.CLIENTS_NEW), turn.t(Msg.CLIENTS_RETURNING)),
        values=(float(kept.new_clients), float(kept.returning_clients)),
        horizontal=False,
    )
