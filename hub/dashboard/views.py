"""A reader's page from their figures: headline numbers, charts and the tables behind them.

Every number comes from `domain.analytics`; this module only words and lays it out. A
chart with nothing to draw is replaced by a sentence saying so, never an empty frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bots.language import format_money, format_weekday
from domain.analytics.dashboard import ReaderFigures
from domain.billing.money import exponent
from hub.dashboard import plots
from hub.dashboard.strings import text
from hub.dashboard.tables import Cell, Column, DashboardTable, Table, columns

OUTCOMES = ("completed", "no_show", "cancelled", "upcoming")


@dataclass(frozen=True, slots=True)
class Kpi:
    """One headline number with its label and a line of context."""

    key: str
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A chart (or the sentence standing in for it) and the table it draws."""

    key: str
    title: str
    figure: dict[str, Any] | None
    empty: str | None
    table: Table | None = None


@dataclass(slots=True)
class Page:
    """What a dashboard template renders."""

    kind: str  # "reader", "platform" or "live"
    language: str
    title: str
    subtitle: str
    look: plots.Look
    kpis: list[Kpi] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, href)

    @property
    def rtl(self) -> bool:
        """Whether the page reads right to left."""
        return self.look.rtl


def percent(value: float | None, language: str) -> str:
    """A share as the language writes a percentage; a dash when there is none."""
    return "—" if value is None else str(format_percent(value, locale=language))


def number(value: float | None, language: str, pattern: str = "#,##0.#") -> str:
    """A number with at most one decimal; a dash when there is none."""
    return "—" if value is None else str(format_decimal(value, format=pattern, locale=language))


def bucket_label(key: str, language: str) -> str:
    """'2026-10-03' as '3 Oct', '2026-10' as 'Oct 2026', in the page's language."""
    if len(key) == 10:  # Arabic month names are long: a day of one is "26/11"
        pattern = "d/M" if language == "ar" else "d MMM"
        return str(format_date(date.fromisoformat(key), pattern, locale=language))
    return str(format_date(date.fromisoformat(f"{key}-01"), "MMM y", locale=language))


def period_line(start: date, end: date, language: str) -> str:
    """'1 Oct 2026 to 31 Oct 2026' in the page's language."""

    def day(d: date) -> str:
        return str(format_date(d, "d MMM y", locale=language))

    return text(language, "period_line", start=day(start), end=day(end))


def reader_page(f: ReaderFigures, language: str, look: plots.Look) -> Page:
    """The reader's page for one period (and service, when one was chosen)."""
    reader = f.reader
    page = Page(
        kind="reader",
        language=language,
        title=reader.brand,
        subtitle=period_line(f.period.start, f.period.end, language),
        look=look,
        kpis=_kpis(f, language),
    )
    if not f.has_history:
        page.notices.append(text(language, "no_history"))
    if f.service is not None:
        page.notices.append(text(language, "service_scope", service=f.service.name))
    page.sections = [
        _revenue_line(f, language, look),
        _revenue_by_service(f, language, look),
        _outcomes(f, language, look),
        _ratings(f, language, look),
        _peak_hours(f, language, look),
        _cohorts(f, language, look),
        _comments(f, language),
    ]
    return page


def _kpis(f: ReaderFigures, language: str) -> list[Kpi]:
    r, s, t, k = f.revenue, f.sessions, f.ratings, f.retention
    money = format_money(r.net_minor, r.currency, language)
    hours = {
        "booked": number(s.booked_minutes / 60, language),
        "offered": number(s.offered_minutes / 60, language),
    }

    def minutes(m: float | None) -> str:
        return "—" if m is None else text(language, "minutes", minutes=number(m, language))

    return [
        Kpi(
            "revenue",
            text(language, "kpi_revenue"),
            money,
            text(
                language,
                "kpi_revenue_note",
                payments=r.payments,
                refunded=format_money(r.refunded_minor, r.currency, language),
            ),
        ),
        Kpi(
            "held",
            text(language, "kpi_held"),
            number(s.completed, language),
            text(language, "kpi_held_note", upcoming=s.upcoming),
        ),
        Kpi(
            "completion",
            text(language, "kpi_completion"),
            percent(s.completion_rate, language),
            text(language, "kpi_completion_note", no_show=s.no_show, cancelled=s.cancelled),
        ),
        Kpi(
            "utilisation",
            text(language, "kpi_utilisation"),
            percent(s.utilisation, language),
            text(language, "kpi_utilisation_note", **hours),
        ),
        Kpi(
            "rating",
            text(language, "kpi_rating"),
            "—" if t.average is None else f"{number(t.average, language, '0.0')} ★",
            text(language, "kpi_rating_note", count=t.count),
        ),
        Kpi(
            "length",
            text(language, "kpi_length"),
            minutes(s.average_minutes),
            text(language, "kpi_length_note", median=minutes(s.median_minutes)),
        ),
        Kpi("clients", text(language, "kpi_clients"), f"{k.new_clients} / {k.returning_clients}"),
        Kpi(
            "repeat",
            text(language, "kpi_repeat"),
            percent(k.repeat_rate, language),
            text(language, "kpi_repeat_note", days=number(k.average_days_between, language))
            if k.average_days_between is not None
            else "",
        ),
    ]


def major_units(minor: int, currency: str) -> float:
    """Minor units as a float of major units, for drawing only (never for sums)."""
    return float(minor / 10 ** exponent(currency))


def _revenue_line(f: ReaderFigures, language: str, look: plots.Look) -> Section:
    r = f.revenue
    daily = bool(r.by_bucket) and len(r.by_bucket[0][0]) == 10
    table = Table(
        DashboardTable.REVENUE,
        columns(
            ("day" if daily else "month", Cell.DAY if daily else Cell.TEXT),
            ("currency", Cell.TEXT),
            ("net", Cell.MONEY),
        ),
        [(key, r.currency, net) for key, net in r.by_bucket],
    )
    title = text(language, "revenue_by_day" if daily else "revenue_by_month", currency=r.currency)
    if r.payments == 0:
        return Section("revenue", title, None, text(language, "no_payments"), table)
    figure = plots.bars(
        look,
        [bucket_label(key, language) for key, _ in r.by_bucket],
        [major_units(n, r.currency) for _, n in r.by_bucket],
        [format_money(n, r.currency, language) for _, n in r.by_bucket],
        horizontal=False,
        values_on_bars=len(r.by_bucket) <= 12,
    )
    return Section("revenue", title, figure, None, table)


def _service_name(name: str, language: str) -> str:
    return text(language, "no_service") if name == "—" else name


def _revenue_by_service(f: ReaderFigures, language: str, look: plots.Look) -> Section:
    r = f.revenue
    names = [_service_name(name, language) for name, _ in r.by_service]
    table = Table(
        DashboardTable.REVENUE_BY_SERVICE,
        columns(("service", Cell.TEXT), ("currency", Cell.TEXT), ("net", Cell.MONEY)),
        [(name, r.currency, net) for name, (_, net) in zip(names, r.by_service, strict=True)],
    )
    title = text(language, "revenue_by_service", currency=r.currency)
    if not r.by_service:
        return Section("revenue_by_service", title, None, text(language, "no_payments"), table)
    figure = plots.bars(
        look,
        names,
        [major_units(net, r.currency) for _, net in r.by_service],
        [format_money(net, r.currency, language) for _, net in r.by_service],
        horizontal=True,
    )
    return Section("revenue_by_service", title, figure, None, table)


def _outcomes(f: ReaderFigures, language: str, look: plots.Look) -> Section:
    s = f.sessions
    counts = [s.completed, s.no_show, s.cancelled, s.upcoming]
    table = Table(
        DashboardTable.SESSIONS,
        columns(("outcome", Cell.LABEL), ("sessions", Cell.COUNT)),
        list(zip(OUTCOMES, counts, strict=True)),
    )
    title = text(language, "outcomes")
    if not f.has_sessions:
        return Section("sessions", title, None, text(language, "no_sessions"), table)
    figure = plots.bars(
        look,
        [text(language, key) for key in OUTCOMES],
        [float(n) for n in counts],
        [number(n, language) for n in counts],
        horizontal=False,
        colours=[look.primary, "#c0504d", "#9a94a6", look.accent],
        counts=True,
    )
    return Section("sessions", title, figure, None, table)


def _ratings(f: ReaderFigures, language: str, look: plots.Look) -> Section:
    t = f.ratings
    table = Table(
        DashboardTable.RATINGS,
        columns(("stars", Cell.COUNT), ("ratings", Cell.COUNT)),
        [(stars, t.distribution.get(stars, 0)) for stars in range(1, 6)],
    )
    title = text(language, "ratings")
    if t.count == 0:
        return Section("ratings", title, None, text(language, "no_ratings"), table)
    counts = [t.distribution.get(stars, 0) for stars in range(1, 6)]
    figure = plots.bars(
        look,
        [f"{stars} ★" for stars in range(1, 6)],
        [float(n) for n in counts],
        [number(n, language) for n in counts],
        horizontal=False,
        colours=[look.accent] * 5,
        counts=True,
    )
    return Section("ratings", title, figure, None, table)


def _peak_hours(f: ReaderFigures, language: str, look: plots.Look) -> Section:
    p = f.peak
    cells = [(d, h, n) for d, row in enumerate(p.matrix) for h, n in enumerate(row) if n]
    table = Table(
        DashboardTable.PEAK_HOURS,
        columns(("weekday", Cell.WEEKDAY), ("hour", Cell.HOUR), ("sessions", Cell.COUNT)),
        [tuple(c) for c in cells],
    )
    title = text(language, "peak_hours", zone=f.reader.timezone)
    if p.total == 0:
        return Section("peak_hours", title, None, text(language, "no_sessions"), table)
    weekdays = [format_weekday(d, language, width="abbreviated") for d in range(7)]
    figure = plots.heatmap(
        look,
        weekdays,
        [f"{h:02d}" for h in range(24)],
        [[float(n) for n in row] for row in p.matrix],
        hover="%{y} %{x}:00 · <b>%{z}</b>",
    )
    return Section("peak_hours", title, figure, None, table)


def _cohorts(f: ReaderFigures, language: str, look: plots.Look) -> Section:
    cohorts = f.retention.cohorts
    depth = max((len(c.retained) for c in cohorts), default=0)
    after = [
        Column(f"month_{k}", Cell.SHARE, "col_after", (("k", k),)) for k in range(1, depth + 1)
    ]
    table = Table(
        DashboardTable.COHORTS,
        columns(("month", Cell.TEXT), ("clients", Cell.COUNT), *after),
        [(c.month, c.size, *c.retained, *([None] * (depth - len(c.retained)))) for c in cohorts],
    )
    title = text(language, "cohorts")
    shown = [c for c in cohorts if c.size]
    reached = max((len(c.retained) for c in shown), default=0)
    if not shown or reached == 0:
        return Section("cohorts", title, None, text(language, "no_cohorts"), table)
    figure = plots.heatmap(
        look,
        [f"{bucket_label(c.month, language)} ({c.size})" for c in shown],
        [f"+{k}" for k in range(1, reached + 1)],
        # A month not yet reached is a gap, not a zero.
        [[v * 100 for v in c.retained] + [None] * (reached - len(c.retained)) for c in shown],
        hover="%{y} %{x}: <b>%{z:.0f}%</b>",
        zmax=100,
        cell_text="%{z:.0f}%",
    )
    return Section("cohorts", title, figure, None, table)


def _comments(f: ReaderFigures, language: str) -> Section:
    recent = f.ratings.recent
    zone = ZoneInfo(f.reader.timezone)
    table = Table(
        DashboardTable.COMMENTS,
        columns(("stars", Cell.COUNT), ("text", Cell.TEXT), ("given_on", Cell.DAY)),
        [(c.stars, c.text, c.given_at.astimezone(zone).date()) for c in recent],
    )
    empty = None if recent else text(language, "no_comments")
    return Section("comments", text(language, "comments"), None, empty, table)


__all__ = (
    "Kpi",
    "Page",
    "Section",
    "bucket_label",
    "major_units",
    "number",
    "percent",
    "period_line",
    "reader_page",
)
