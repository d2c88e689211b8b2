"""Periods in the person's own calendar, and clear refusals for ones that cannot be read."""

from __future__ import annotations

from datetime import date

import pytest

from domain.analytics.periods import PeriodNotStarted, parse_analytics_period
from domain.errors import InvalidRequest

TODAY = date(2026, 12, 3)  # a Thursday


def test_this_week_starts_on_the_first_day_of_the_persons_locale() -> None:
    assert parse_analytics_period("this week", TODAY, locale="en_GB").start == date(2026, 11, 30)
    assert parse_analytics_period("this week", TODAY, locale="en_US").start == date(2026, 11, 29)
    assert parse_analytics_period("this week", TODAY, locale="ar_EG").start == date(2026, 11, 28)
    last = parse_analytics_period("last week", TODAY, locale="en_GB")
    assert (last.start, last.end) == (date(2026, 11, 23), date(2026, 11, 29))


def test_named_and_counted_periods() -> None:
    month = parse_analytics_period("2026-10", TODAY, locale="en")
    assert (month.start, month.end, month.label) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
        "2026-10",
    )
    days = parse_analytics_period("last 30 days", TODAY, locale="en")
    assert (days.start, days.end) == (date(2026, 11, 4), TODAY)
    assert parse_analytics_period(None, TODAY, locale="en").label == "2026-12"


def test_a_period_not_started_is_refused_by_name() -> None:
    with pytest.raises(PeriodNotStarted) as refused:
        parse_analytics_period("2027-01", TODAY, locale="en")
    assert refused.value.period.label == "2027-01"


@pytest.mark.parametrize("text", ["tomorrowish", "2026-13", "last 0 days", "last many days"])
def test_an_unreadable_period_says_how_to_ask(text: str) -> None:
    with pytest.raises(InvalidRequest, match="say a period like"):
        parse_analytics_period(text, TODAY, locale="en")
