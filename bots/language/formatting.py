"""Locale-aware money, dates and times for replies, and bidi safety for right-to-left text.

Everything here is pure: the same arguments give the same string. Digits are Latin
(0-9) in every locale, which is what Gulf clients expect and what keeps references and
prices identical across channels. Times use the 24-hour clock.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, get_day_names, get_timezone_location
from babel.numbers import format_currency, get_currency_precision

FSI: Final = "\u2068"  # FIRST STRONG ISOLATE
PDI: Final = "\u2069"  # POP DIRECTIONAL ISOLATE

_SUPPORTED: Final = ("en", "ar")
_WHEN_PATTERNS: Final = {"en": "EEE d MMM, HH:mm", "ar": "EEEE d MMMM، HH:mm"}
_DAY_PATTERNS: Final = {"en": "EEE d MMM", "ar": "EEEE d MMMM"}
_CURRENCY_CODE: Final = re.compile(r"[A-Z]{3}")

Width = Literal["wide", "abbreviated", "short", "narrow"]


@functools.cache
def _locale(locale: str) -> Locale:
    """The babel locale for a tag, kept within the languages we have catalogs for.

    A regional variant of a supported language keeps its conventions ("en_GB" writes
    "US$"); anything else is formatted as English, like the messages around it.
    """
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")
    return parsed if parsed.language in _SUPPORTED else Locale("en")


def _language(locale: str) -> str:
    """'en' or 'ar', the key of the pattern tables."""
    return str(_locale(locale).language)


@functools.cache
def is_rtl(locale: str) -> bool:
    """Whether text in this locale runs right to left ('ar', 'ar-EG'; also 'fa', 'he')."""
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return parsed.text_direction == "rtl"


def format_money(amount_minor: int, currency: str, locale: str) -> str:
    """An amount in minor units as the locale writes it: 1250 USD -> '$12.50' in English.

    The currency's own number of minor digits comes from CLDR (JPY 0, USD 2, KWD 3),
    and the arithmetic is Decimal, so no amount is ever rounded through a float.
    """
    code = currency.upper()
    if not _CURRENCY_CODE.fullmatch(code):
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    amount = Decimal(amount_minor).scaleb(-get_currency_precision(code))
    return format_currency(amount, code, locale=_locale(locale), numbering_system="latn")


def _zone(zone: str) -> ZoneInfo:
    """The IANA zone; a bad name raises ZoneInfoNotFoundError with the name in it."""
    return ZoneInfo(zone)


def _local(instant: datetime, zone: str) -> datetime:
    """The instant on the wall clock of `zone`; naive datetimes are refused, not guessed."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(_zone(zone))


def format_when(instant: datetime, zone: str, locale: str) -> str:
    """Day and time of an instant in a zone: 'Fri 27 Nov, 17:00' / 'الجمعة 27 نوفمبر، 17:00'."""
    local = _local(instant, zone)
    pattern = _WHEN_PATTERNS[_language(locale)]
    return format_datetime(local, pattern, tzinfo=local.tzinfo, locale=_locale(locale))


def format_day(day: date, locale: str, *, with_year: bool = False) -> str:
    """A calendar day: 'Fri 27 Nov' / 'الجمعة 27 نوفمبر' (and its year when far off)."""
    pattern = _DAY_PATTERNS[_language(locale)] + (" y" if with_year else "")
    return format_date(day, pattern, locale=_locale(locale))


def format_time(instant: datetime, zone: str, locale: str) -> str:
    """The wall-clock time of an instant in a zone, 24-hour: '17:00'."""
    local = _local(instant, zone)
    return format_datetime(local, "HH:mm", tzinfo=local.tzinfo, locale=_locale(locale))


def format_weekday(weekday_index: int, locale: str, *, width: Width = "wide") -> str:
    """A weekday name from Python's index (Monday is 0): 'Monday' / 'الاثنين'."""
    if not 0 <= weekday_index <= 6:
        raise ValueError(f"weekday index must be 0..6, got {weekday_index}")
    return str(get_day_names(width, locale=_locale(locale))[weekday_index])


def format_zone(zone: str, locale: str) -> str:
    """A zone as people name it: 'United Kingdom Time' / 'توقيت المملكة المتحدة'."""
    return str(get_timezone_location(_zone(zone), locale=_locale(locale)))


# A left-to-right run: words made of Latin letters, digits and the symbols that appear in
# emails, URLs, references and prices, joined by single (also no-break) spaces.
_LTR_START = r"[0-9A-Za-z\u00c0-\u024f@#$€£¥+]"
_LTR_CHARS = r"[0-9A-Za-z\u00c0-\u024f@._%+\-:/#$€£¥&'’,=?~]"
_LTR_RUN: Final = re.compile(
    rf"{FSI}[^{PDI}]*{PDI}"  # already isolated: leave alone
    rf"|{_LTR_START}{_LTR_CHARS}*(?:[ \u00a0]{_LTR_START}{_LTR_CHARS}*)*"
)
_STRONG_LTR: Final = re.compile(r"[A-Za-z\u00c0-\u024f@$€£¥]")
_TRAILING: Final = ".,:;!?'’"


def _isolate_run(match: re.Match[str]) -> str:
    """Wrap one run if it holds left-to-right text; keep sentence punctuation outside."""
    run = match.group(0)
    if run.startswith(FSI) or not _STRONG_LTR.search(run):
        return run
    body = run.rstrip(_TRAILING)
    return f"{FSI}{body}{PDI}{run[len(body) :]}"


def bidi_isolate(text: str, locale: str) -> str:
    """Isolate left-to-right fragments inside right-to-left text so they keep their order.

    In an Arabic sentence an email, a booking reference, a Latin name or a price like
    '12.50 US$' is wrapped in FSI ... PDI (U+2068/U+2069), so the bidi algorithm lays it
    out as one left-to-right unit and neighbouring punctuation stays where it belongs.
    Plain digits (times, day numbers) need no isolation and are left as they are. For
    left-to-right locales the text is returned unchanged; running it twice is harmless.
    """
    if not is_rtl(locale):
        return text
    return _LTR_RUN.sub(_isolate_run, text)
