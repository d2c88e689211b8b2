"""Periods a person asks figures for, in their own calendar: their weeks, months and zone."""

from __future__ import annotations

from datetime import date, timedelta

from babel import Locale, UnknownLocaleError

from domain.billing.reports import PERIOD_HELP, ReportPeriod, parse_period, period_between
from domain.errors import InvalidRequest

ANALYTICS_PERIOD_HELP = (
    "say a period like 'this week', 'last week', 'this month', 'last month', "
    "'last 30 days', '2026-11', '2026Q4' or '2026'"
)


def first_weekday(locale: str) -> int:
    """The weekday a week starts on where the person lives (0 Monday .. 6 Sunday).

    A bare language says little (Arabic weeks start on Saturday in Egypt, on Monday in
    the Emirates and Morocco), so callers pass "ar_EG" when they know the country; a bare
    language gets CLDR's world default, Monday.
    """
    try:
        return int(Locale.parse(locale.replace("-", "_")).first_week_day)
    except (UnknownLocaleError, ValueError, TypeError):
        return 0


def calendar_locale(language: str, country: str | None) -> str:
    """The locale whose calendar a person's weeks follow: "ar_EG", or "ar" alone."""
    return f"{language}_{country}" if country else language


def week_of(day: date, locale: str) -> ReportPeriod:
    """The person's week that contains `day`."""
    start = day - timedelta(days=(day.weekday() - first_weekday(locale)) % 7)
    end = start + timedelta(days=6)
    return ReportPeriod(start, end, f"{start.isoformat()}..{end.isoformat()}")


def parse_analytics_period(
    text: str | None, today: date, *, locale: str, default: str = "this month"
) -> ReportPeriod:
    """The money reports' periods plus weeks and "last N days"; never one in the future.

    A period that starts after today is refused, since there is nothing to count yet.
    """
    wanted = " ".join((text or default).lower().split())
    if wanted in ("week", "this week"):
        period = week_of(today, locale)
    elif wanted == "last week":
        period = week_of(today - timedelta(days=7), locale)
    elif wanted in ("today",):
        period = ReportPeriod(today, today, today.isoformat())
    elif wanted in ("month",):
        period = parse_period("this month", today)
    elif wanted in ("year",):
        period = parse_period("this year", today)
    elif wanted.startswith("last ") and wanted.endswith(" days"):
        period = _last_days(wanted, today)
    else:
        try:
            period = parse_period(wanted, today)
        except InvalidRequest:
            raise InvalidRequest(f"{text!r} is not a period: {ANALYTICS_PERIOD_HELP}") from None
    return _not_future(period, today)


def _last_days(wanted: str, today: date) -> ReportPeriod:
    count = wanted.removeprefix("last ").removesuffix(" days").strip()
    if not count.isdigit() or not 1 <= int(count) <= 3660:
        raise InvalidRequest(f"{wanted!r} is not a period: {ANALYTICS_PERIOD_HELP}")
    start = today - timedelta(days=int(count) - 1)
    return ReportPeriod(start, today, f"last {int(count)} days")


class PeriodNotStarted(InvalidRequest):
    """A period that starts after today: nothing has happened in it to count."""

    def __init__(self, period: ReportPeriod, today: date) -> None:
        """Keep the period, so the answer can name it in the person's language."""
        super().__init__(f"{period.label} has not started yet: ask for days up to {today}")
        self.period = period


def _not_future(period: ReportPeriod, today: date) -> ReportPeriod:
    """Refuse a period not begun; one under way keeps its end (upcoming sessions count)."""
    if period.start > today:
        raise PeriodNotStarted(period, today)
    return period


def between(start: date, end: date, today: date) -> ReportPeriod:
    """Days from `start` to `end` (the API's from/to), refused when in the future."""
    return _not_future(period_between(start, end), today)


__all__ = (
    "ANALYTICS_PERIOD_HELP",
    "PERIOD_HELP",
    "PeriodNotStarted",
    "between",
    "calendar_locale",
    "first_weekday",
    "parse_analytics_period",
    "week_of",
)
