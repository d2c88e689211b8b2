"""The admin's pages from the platform's and the live figures (UTC days, platform currency)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from urllib.parse import urlencode

from babel import Locale

from bots.language import format_money, format_weekday
from domain.analytics.live import LiveFigures
from domain.analytics.platform import PlatformFigures
from domain.models import Reader
from domain.ports.analytics import CountRow, RevenueRow
from hub.dashboard import plots
from hub.dashboard.strings import has, text
from hub.dashboard.tables import Cell, DashboardTable, Table, columns
from hub.dashboard.views import (
    Kpi,
    Page,
    Section,
    bucket_label,
    major_units,
    number,
    percent,
    period_line,
)


def _money(rows: list[RevenueRow], language: str, currency: str, *, fees: bool = False) -> str:
    """Amounts per currency ("£1,200.00" or "£1,200.00 + $30.00"); zero when none."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row.currency] += row.fee_minor if fees else row.net_minor
    if not totals:
        return format_money(0, currency, language)
    return " + ".join(format_money(v, c, language) for c, v in sorted(totals.items()))


def country_name(code: str, language: str) -> str:
    """A country's name in the page's language; "Unknown" for no code."""
    if not code:
        return text(language, "unknown_country")
    return str(Locale(language).territories.get(code.upper(), code.upper()))


def platform_page(
    f: PlatformFigures,
    readers: list[Reader],
    language: str,
    look: plots.Look,
    query: dict[str, str],
    currency: str,
) -> Page:
    """The admin's platform page for one period, money in the platform's `currency`."""
    g = f.growth
    page = Page(
        kind="platform",
        language=language,
        title=text(language, "platform_title"),
        subtitle=period_line(f.period.start, f.period.end, language),
        look=look,
        kpis=[
            Kpi(
                "platform_revenue",
                text(language, "kpi_platform_revenue"),
                _money(f.revenue_by_kind, language, currency),
            ),
            Kpi(
                "fees",
                text(language, "kpi_fees"),
                _money(f.revenue_by_kind, language, currency, fees=True),
            ),
            Kpi(
                "new_clients",
                text(language, "kpi_new_clients"),
                number(sum(r.count for r in g.new_clients), language),
            ),
            Kpi(
                "new_readers",
                text(language, "kpi_new_readers"),
                number(sum(r.count for r in g.new_readers), language),
            ),
            Kpi(
                "churned",
                text(language, "kpi_churned"),
                number(sum(r.count for r in f.churn), language),
            ),
        ],
    )
    page.sections = [
        _growth(f, language, look),
        _counts(
            DashboardTable.ACTIVE_CLIENTS,
            "active_clients",
            "month",
            g.active_clients,
            language,
            look,
            month_labels=True,
        ),
        _revenue(
            currency,
            DashboardTable.REVENUE_BY_KIND,
            "revenue_by_kind",
            "kind",
            f.revenue_by_kind,
            language,
            look,
            label=lambda key: text(language, f"kind_{key}") if has(f"kind_{key}") else key,
        ),
        _revenue(
            currency,
            DashboardTable.REVENUE_BY_COUNTRY,
            "revenue_by_country",
            "country",
            f.revenue_by_country,
            language,
            look,
            label=lambda key: country_name(key, language),
        ),
        _counts(
            DashboardTable.CLIENTS_BY_COUNTRY,
            "clients_by_country",
            "country",
            f.clients_by_country,
            language,
            look,
            label=lambda key: country_name(key, language),
            column="clients",
        ),
        _popularity(f, language, look),
        _counts(
            DashboardTable.CHURN,
            "churn",
            "month",
            f.churn,
            language,
            look,
            month_labels=True,
            column="lost",
        ),
    ]
    page.links = [
        (r.brand, "/dashboard?" + urlencode({**query, "reader": r.slug})) for r in readers
    ]
    return page


def _growth(f: PlatformFigures, language: str, look: plots.Look) -> Section:
    g = f.growth
    clients = {r.key: r.count for r in g.new_clients}
    readers = {r.key: r.count for r in g.new_readers}
    weeks = sorted(clients.keys() | readers.keys())
    table = Table(
        DashboardTable.GROWTH,
        columns(("week", Cell.DAY), ("new_clients", Cell.COUNT), ("new_readers", Cell.COUNT)),
        [(w, clients.get(w, 0), readers.get(w, 0)) for w in weeks],
    )
    title = text(language, "growth")
    if not weeks:
        return Section("growth", title, None, text(language, "no_data"), table)
    series = [
        (
            text(language, key),
            [float(d.get(w, 0)) for w in weeks],
            [str(d.get(w, 0)) for w in weeks],
        )
        for key, d in (("col_new_clients", clients), ("col_new_readers", readers))
    ]
    figure = plots.line(look, [bucket_label(w, language) for w in weeks], series)
    return Section("growth", title, figure, None, table)


def _counts(
    name: DashboardTable,
    title_key: str,
    key_column: str,
    rows: list[CountRow],
    language: str,
    look: plots.Look,
    *,
    month_labels: bool = False,
    label: Callable[[str], str] | None = None,
    column: str = "clients",
) -> Section:
    table = Table(
        name,
        columns((key_column, Cell.TEXT), (column, Cell.COUNT)),
        [(r.key, r.count) for r in rows],
    )
    title = text(language, title_key)
    if not rows or not any(r.count for r in rows):
        return Section(name.value, title, None, text(language, "no_data"), table)
    labels = [
        bucket_label(r.key, language) if month_labels else (label(r.key) if label else r.key)
        for r in rows
    ]
    figure = plots.bars(
        look,
        labels,
        [float(r.count) for r in rows],
        [number(r.count, language) for r in rows],
        horizontal=None if not month_labels else False,
        counts=True,
    )
    return Section(name.value, title, figure, None, table)


def _revenue(
    platform_currency: str,
    name: DashboardTable,
    title_key: str,
    key_column: str,
    rows: list[RevenueRow],
    language: str,
    look: plots.Look,
    *,
    label: Callable[[str], str],
) -> Section:
    currency = rows[0].currency if rows else platform_currency
    table = Table(
        name,
        columns(
            (key_column, Cell.TEXT),
            ("currency", Cell.TEXT),
            ("payments", Cell.COUNT),
            ("net", Cell.MONEY),
            ("fee", Cell.MONEY),
        ),
        [(r.key, r.currency, r.payments, r.net_minor, r.fee_minor) for r in rows],
    )
    title = text(language, title_key, currency=currency)
    if not rows:
        return Section(name.value, title, None, text(language, "no_payments"), table)
    figure = plots.bars(
        look,
        [label(r.key) for r in rows],
        [major_units(r.net_minor, r.currency) for r in rows],
        [format_money(r.net_minor, r.currency, language) for r in rows],
        horizontal=True,
    )
    return Section(name.value, title, figure, None, table)


def _popularity(f: PlatformFigures, language: str, look: plots.Look) -> Section:
    rows = f.popularity
    table = Table(
        DashboardTable.POPULARITY,
        columns(("service", Cell.TEXT), ("reader", Cell.TEXT), ("sessions", Cell.COUNT)),
        [(p.service, p.reader, p.sessions) for p in rows],
    )
    title = text(language, "popularity")
    if not rows:
        return Section("popularity", title, None, text(language, "no_sessions"), table)
    figure = plots.bars(
        look,
        [f"{p.service} · {p.reader}" for p in rows],
        [float(p.sessions) for p in rows],
        [number(p.sessions, language) for p in rows],
        horizontal=True,
        counts=True,
    )
    return Section("popularity", title, figure, None, table)


def live_page(f: LiveFigures, language: str, look: plots.Look) -> Page:
    """What is happening now, refreshed by the page every 30 seconds."""
    c = f.counts
    page = Page(
        kind="live",
        language=language,
        title=text(language, "live_title"),
        subtitle=text(language, "live_updated", time=f.at.strftime("%H:%M:%S")),
        look=look,
        kpis=[
            Kpi(
                "live_sessions",
                text(language, "kpi_live_sessions"),
                number(c.live_sessions, language),
            ),
            Kpi(
                "scheduled_now",
                text(language, "kpi_scheduled_now"),
                number(c.scheduled_now, language),
            ),
            Kpi(
                "bookings_hour",
                text(language, "kpi_bookings_hour"),
                number(c.bookings_last_hour, language),
            ),
            Kpi(
                "messages_hour",
                text(language, "kpi_messages_hour"),
                number(c.messages_last_hour, language),
            ),
            Kpi("queue", text(language, "kpi_queue"), number(c.queue_depth, language)),
            Kpi(
                "unfinished",
                text(language, "kpi_unfinished"),
                number(c.unfinished_deliveries, language),
            ),
        ],
    )
    rates, outbox_rates = f.error_rates(), f.outbox_error_rates()
    page.sections = [
        _rates_table(
            DashboardTable.WEBHOOKS,
            "webhooks",
            "provider",
            "deliveries",
            c.webhooks,
            rates,
            language,
        ),
        _rates_table(
            DashboardTable.OUTBOX, "outbox", "kind", "rows", c.outbox, outbox_rates, language
        ),
        _activity(f, language, look),
    ]
    return page


def _rates_table(
    name: DashboardTable,
    title_key: str,
    key_column: str,
    count_column: str,
    rows: list[CountRow],
    rates: dict[str, float],
    language: str,
) -> Section:
    table = Table(
        name,
        columns(
            (key_column, Cell.TEXT),
            (count_column, Cell.COUNT),
            ("failed", Cell.COUNT),
            ("error_rate", Cell.SHARE),
        ),
        [(r.key, r.count, r.extra, rates.get(r.key)) for r in rows],
    )
    empty = None if rows else text(language, "no_activity")
    return Section(name.value, text(language, title_key), None, empty, table)


def _activity(f: LiveFigures, language: str, look: plots.Look) -> Section:
    title = text(language, "activity")
    if not any(map(any, f.activity)):
        return Section("activity", title, None, text(language, "no_data"))
    weekdays = [format_weekday(d, language, width="abbreviated") for d in range(7)]
    figure = plots.heatmap(
        look,
        weekdays,
        [f"{h:02d}" for h in range(24)],
        [[float(n) for n in row] for row in f.activity],
        hover="%{y} %{x}:00 · <b>%{z}</b>",
    )
    return Section("activity", title, figure, None)


__all__ = ("country_name", "live_page", "percent", "platform_page")
