"""Days, clock times and parts of the day in a normalised message, relative to the client's today.

Common words (today, tomorrow, weekdays, 'next Friday', 'بعد غد') are resolved here with
plain date arithmetic; explicit calendar dates ('27 November', '3/12', '٣ ديسمبر') go
to dateparser, which knows month names and calendar validity. A message with no date
or time word never reaches dateparser, which keeps a typical parse well under 1 ms.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bots.language import _when_words as w
from bots.language.enums import DayPeriod


@dataclass(frozen=True, slots=True)
class When:
    """The date and time parts found in a message."""

    day: date | None = None
    time_of_day: time | None = None
    period: DayPeriod | None = None
    date_invalid: bool = False


@dataclass(frozen=True, slots=True)
class _Clock:
    """An hour as typed, before 'pm' or 'evening' decide which half of the day it is."""

    hour: int
    minute: int
    meridiem: str | None
    padded: bool


def _blank(text: str, match: re.Match[str]) -> str:
    """The text with a match replaced by spaces, so later patterns cannot reuse it."""
    start, end = match.span()
    return text[:start] + " " * (end - start) + text[end:]


@functools.lru_cache(maxsize=32)
def _date_parser(languages: tuple[str, ...], base: datetime, zone: str) -> Any:
    """One dateparser per language set and local day: building one reloads its settings.

    RELATIVE_BASE is the end of the client's previous day rather than the exact instant,
    so the cached parser serves every message of that day and a date written without a
    year means today or later; only calendar dates are asked of it.
    """
    # Imported here: dateparser takes ~0.4 s to import and most processes never need it.
    from dateparser.date import DateDataParser

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": base,
        "TIMEZONE": zone,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY",
    }
    return DateDataParser(languages=list(languages), settings=settings)


def _calendar_date(
    fragment: str, languages: tuple[str, ...], today: date, zone: str
) -> date | None:
    """An explicit calendar date through dateparser; None if no such day exists."""
    # Just before local midnight: 'prefer future' then keeps today's own date this year.
    base = datetime.combine(today, time()) - timedelta(seconds=1)
    data = _date_parser(languages, base, zone).get_date_data(fragment)
    found = data.date_obj
    if not isinstance(found, datetime) or data.period != "day":
        return None
    return found.date()


def _impossible(day: int, month: int, year: str | None) -> bool:
    """Whether no calendar has this day: '30 February', '31/4', '29/2/2027', '12/13'."""
    if not 1 <= month <= 12 or day < 1:
        return True
    if year is None:
        return day > w.LONGEST_MONTH[month - 1]
    try:
        date(int(year), month, day)
    except ValueError:
        return True
    return False


def _explicit_date(text: str, today: date, zone: str) -> tuple[date | None, re.Match[str] | None]:
    """The first calendar date written out in the text, and where it was."""
    for pattern in (w.D_MONTH, w.MONTH_D):
        match = pattern.search(text)
        if match:
            month = w.AR_MONTHS.get(match["m"], match["m"])
            number = w.MONTH_NUMBER[month[:3] if month.isascii() else month]
            if _impossible(int(match["d"]), number, match["y"]):
                return None, match
            languages = ("en",) if month.isascii() else ("ar",)
            fragment = f"{match['d']} {month} {match['y'] or ''}".strip()
            return _calendar_date(fragment, languages, today, zone), match
    match = w.NUMERIC.search(text)
    if match:
        d = match["d"] or match["d2"] or match["d3"]
        m = match["m"] or match["m2"] or match["m3"]
        y = match["y"] or match["y2"] or match["y3"]
        if y is not None and len(y) == 2:
            y = f"20{y}"  # dateparser would read '11/11/11' as 2111 when 'preferring the future'
        if _impossible(int(d), int(m), y):
            return None, match
        fragment = f"{d}/{m}/{y}" if y else f"{d}/{m}"
        return _calendar_date(fragment, ("en",), today, zone), match
    return None, None


def _day_of_month(day: int, today: date) -> date | None:
    """'the 3rd': this month's 3rd if still ahead, else the next month that has that day."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _next_weekday(weekday: int, today: date, *, strictly_after: bool) -> date:
    """The next date with that weekday; today counts unless 'next' was said."""
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and strictly_after:
        ahead = 7
    return today + timedelta(days=ahead)


def _relative_day(text: str, today: date) -> date | None:
    """Today, tomorrow, 'in 3 days', weekdays ('next Friday', 'الجمعة القادمة')."""
    if w.AFTER_TOMORROW.search(text):
        return today + timedelta(days=2)
    if w.TOMORROW.search(text):
        return today + timedelta(days=1)
    if w.TODAY_WORDS.search(text):
        return today
    match = w.IN_DAYS.search(text)
    if match:
        if match["w"]:
            return today + timedelta(days=w.AR_WEEK_UNITS[match["w"]])
        count, unit = match["n"] or match["n2"], match["u"] or match["u2"]
        n = int(count) if count.isdigit() else w.NUMBER_WORDS[count]
        weeks = unit.startswith(("week", "اسبوع", "اسابيع"))
        return today + timedelta(days=n * 7 if weeks else n)
    for match in w.EN_WEEKDAY.finditer(text):
        if match["wd"] in w.AMBIGUOUS_SHORT and not match["mod"]:
            continue
        after = match["mod"] in ("next", "coming")
        return _next_weekday(w.EN_WEEKDAYS[match["wd"]], today, strictly_after=after)
    for match in w.AR_WEEKDAY.finditer(text):
        if match["wd"] in w.AR_NEEDS_ARTICLE and not (match["al"] or match["yom"]):
            continue
        after = match["mod"] is not None
        return _next_weekday(w.AR_WEEKDAYS[match["wd"]], today, strictly_after=after)
    return None


def _hour_value(token: str) -> int:
    """An hour written as digits or as a word ('five', 'الخامسه')."""
    return int(token) if token.isdigit() else w.NUMBER_WORDS[token]


def _take_clock(text: str) -> tuple[_Clock | None, str]:
    """The first clock time in the text, and the text without it."""
    match = w.NOON.search(text)
    if match:
        return _Clock(0 if match["midnight"] else 12, 0, None, True), _blank(text, match)
    for pattern in (w.CLOCK, w.WITH_MERIDIEM, w.AT_HOUR):
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        minute = int(groups["min"]) if groups.get("min") and not groups.get("start") else 0
        frac = groups.get("frac") or ""
        hour = _hour_value(groups.get("start") or match["h"])
        if "نص" in frac:
            minute = 30
        elif "الا" in frac:
            hour, minute = hour - 1, 45
        elif "ربع" in frac:
            minute = 15
        padded = match["h"].startswith("0")
        return _Clock(hour, minute, match["mer"], padded), _blank(text, match)
    return None, text


def _resolve_clock(clock: _Clock, period: DayPeriod | None) -> time | None:
    """Which half of the day a typed hour means; unreadable ones ('17 am', '25:00') give None."""
    hour, mer = clock.hour, clock.meridiem
    if not (0 <= hour <= 23 and 0 <= clock.minute <= 59):
        return None
    if mer in w.AM or mer in w.PM:
        if hour > 12:
            return None if mer in w.AM else time(hour, clock.minute)
        hour = hour % 12 + (12 if mer in w.PM else 0)
    elif mer in w.NIGHT or (mer is None and period is DayPeriod.NIGHT):
        hour = hour + 12 if 6 <= hour < 12 else (0 if hour == 12 else hour)
    elif period in (DayPeriod.AFTERNOON, DayPeriod.EVENING) and hour < 12:
        hour += 12
    elif period is None and not clock.padded and 1 <= hour <= 7:
        hour += 12  # nobody books a reading at 5 in the morning: 'at 5' is 17:00
    return time(hour, clock.minute)


def _take_period(text: str) -> tuple[DayPeriod | None, str]:
    """The first part-of-day word, and the text without it."""
    found: tuple[int, DayPeriod, re.Match[str]] | None = None
    for period, pattern in w.PERIODS:
        match = pattern.search(text)
        if match and (found is None or match.start() < found[0]):
            found = (match.start(), period, match)
    if found is None:
        return None, text
    return found[1], _blank(text, found[2])


def extract_when(text: str, *, today: date, zone: str) -> When:
    """Day, clock time and part of day in a normalised message; day relative to `today`."""
    if not w.ANY.search(text):
        return When()
    text = w.GREETINGS.sub(" ", text)
    day, match = _explicit_date(text, today, zone)
    invalid = match is not None and day is None
    if match is not None:
        text = _blank(text, match)
    clock, text = _take_clock(text)
    period, _ = _take_period(text)
    if match is None:
        ordinal = w.ORDINAL_DAY.search(text)
        if ordinal:
            day = _day_of_month(int(ordinal["d"] or ordinal["d2"]), today)
            invalid = day is None
        else:
            day = _relative_day(text, today)
    time_of_day = _resolve_clock(clock, period) if clock else None
    return When(day=day, time_of_day=time_of_day, period=period, date_invalid=invalid)


def warm_up() -> None:
    """Load dateparser's English and Arabic data now, not on a client's first message."""
    base = date(2000, 1, 1)
    for fragment, languages in (("27 november", ("en",)), ("27/11", ("en",)),
                                ("27/11/2026", ("en",)), ("29 february", ("en",)),
                                ("27 نوفمبر", ("ar",)), ("27 نوفمبر 2026", ("ar",))):  # fmt: skip
        _calendar_date(fragment, languages, base, "UTC")
