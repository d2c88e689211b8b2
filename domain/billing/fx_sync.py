"""Keeping the stored reference rates current: fetch what is new, store it, say how much.

Besides what the publisher sends, the sync stores the rates of the currencies pegged to
the US dollar (`fx_pegs`) for every day it stores a USD rate. Two kinds of rows are not
published by anyone, and say so in their source:
- `<source>+carried`: a day's rates copied forward past the last day a source has (the
  demo's bundled history ends before its "today"). They stand in until a real sync, which
  resumes from the last published day and so replaces every one of them.
- `manual`: a rate an admin loaded for a currency nobody publishes (KWD).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from domain.billing.fx_pegs import ANCHOR, PEGS, REFERENCE_BASE, is_pegged, pegged_quotes
from domain.billing.money import InvalidAmount, currency_code
from domain.clock import Clock
from domain.errors import InvalidRequest
from domain.ports.fx import FxQuote, FxRateSource
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

# Fetch a few days before the latest stored one again: a publisher may correct a rate
# after the fact, and the upsert replaces it (unchanged rows are left untouched).
REVISION_DAYS = 3
CARRIED_SUFFIX = "+carried"
MANUAL_SOURCE = "manual"
_RATE_PLACES = 8  # the column's scale
_MAX_RATE = Decimal(10) ** 10  # Numeric(18, 8): ten digits before the point


@dataclass(frozen=True, slots=True)
class FxSyncResult:
    """What one sync fetched, how many rates were new, and the newest day now stored.

    `new` counts every new row, the `derived` pegged rates among them.
    """

    since: date
    fetched: int
    new: int
    latest_day: date | None
    derived: int = 0


async def sync_fx_rates(
    *, uows: UnitOfWorkFactory, source: FxRateSource, clock: Clock, backfill_days: int = 400
) -> FxSyncResult:
    """Fetch from a few days before the newest published rate, or `backfill_days` back."""
    if backfill_days < 1:
        raise InvalidRequest("backfill_days must be at least 1")
    async with uows(read_only=True) as u:
        resume = await _published_until(u)
        stored = await u.fx_rates.latest_day()
    if resume is None:
        since = clock.now().date() - timedelta(days=backfill_days)
    else:
        since = resume - timedelta(days=REVISION_DAYS)
    quotes = await source.fetch(since=since)
    if not quotes:
        return FxSyncResult(since, 0, 0, stored)
    derived = pegged_quotes(quotes)
    async with uows() as u:
        new = await u.fx_rates.upsert([*quotes, *derived])
        latest = await u.fx_rates.latest_day()
        await u.commit()
    return FxSyncResult(since, len(quotes), new, latest, len(derived))


async def _published_until(u: UnitOfWork) -> date | None:
    """The newest day a publisher's own rates are stored for; None to backfill.

    Carried rows are stepped over (a sync must replace them), and a table whose newest
    USD day has no pegged rates (stored before they were derived) is backfilled whole.
    """
    latest = await u.fx_rates.latest_day()
    day = latest
    while day is not None:
        anchor = await u.fx_rates.rate_on(REFERENCE_BASE, ANCHOR, day)
        if anchor is None:  # a source without USD, or only carried rows for a week
            return latest if day == latest else None
        if not is_carried(anchor.source):
            pegged = await u.fx_rates.rate_on(REFERENCE_BASE, next(iter(PEGS)), anchor.as_of)
            return anchor.as_of if pegged is not None else None
        day = anchor.as_of - timedelta(days=1)
    return None


def is_carried(source: str) -> bool:
    """Whether a stored rate was copied forward rather than published."""
    return CARRIED_SUFFIX in source


def carried_forward(quotes: Iterable[FxQuote], *, through: date) -> list[FxQuote]:
    """The newest day's quotes again on each later day the ECB publishes, up to `through`.

    Only TARGET business days get a copy: on those the ECB publishes, so the first real
    sync replaces every carried row (one left on a holiday would shadow the day before).
    """
    batch = list(quotes)
    if not batch:
        return []
    start = max(q.as_of for q in batch)
    last_day = [q for q in batch if q.as_of == start]
    days = (start + timedelta(days=n) for n in range(1, (through - start).days + 1))
    return [
        FxQuote(q.base, q.quote, q.rate, day, q.source + CARRIED_SUFFIX)
        for day in days
        if ecb_publishes(day)
        for q in last_day
    ]


def ecb_publishes(day: date) -> bool:
    """A TARGET business day, on which the ECB publishes reference rates.

    Not a weekend, 1 January, Good Friday, Easter Monday, 1 May, 25 or 26 December.
    """
    if day.weekday() >= 5 or (day.month, day.day) in {(1, 1), (5, 1), (12, 25), (12, 26)}:
        return False
    easter = _easter(day.year)
    return day not in (easter - timedelta(days=2), easter + timedelta(days=1))


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


async def load_rate(
    *, uow: UnitOfWork, clock: Clock, currency: str, rate_text: str, day: date
) -> FxQuote:
    """An admin's rate for a currency nobody publishes: 1 EUR = `rate_text` of it on `day`.

    Lookups carry it up to a week, as they carry a published rate. A currency that a
    publisher's rate covers that week, a pegged one and EUR itself are refused.
    """
    code = currency_code(currency)
    rate = _parse_rate(rate_text)
    if code == REFERENCE_BASE:
        raise InvalidRequest(f"rates are quoted per 1 {REFERENCE_BASE}: {code} is always 1")
    if is_pegged(code):
        raise InvalidRequest(
            f"{code} is pegged to {ANCHOR}: its rates follow from {ANCHOR}'s (run `samia fx sync`)"
        )
    if day > clock.now().date():
        raise InvalidRequest(f"{day.isoformat()} has not come yet: load the rate on the day")
    quote = FxQuote(REFERENCE_BASE, code, rate, day, MANUAL_SOURCE)
    async with uow:
        stored = await uow.fx_rates.rate_on(REFERENCE_BASE, code, day)
        if stored is not None and stored.source != MANUAL_SOURCE:
            raise InvalidRequest(
                f"{stored.source} publishes {code} ({stored.rate} on "
                f"{stored.as_of.isoformat()}): run `samia fx sync` instead"
            )
        await uow.fx_rates.upsert([quote])
        await uow.commit()
    return quote


def _parse_rate(text: str) -> Decimal:
    """A positive decimal of at most eight places, or a clear refusal."""
    try:
        rate = Decimal((text or "").strip())
    except InvalidOperation:
        raise InvalidAmount(f"{text!r} is not a rate") from None
    if not rate.is_finite() or rate <= 0 or rate >= _MAX_RATE:
        raise InvalidAmount(f"{text!r} is not a rate: give a positive number such as 0.3201")
    exponent = rate.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _RATE_PLACES:
        raise InvalidAmount(f"a rate has at most {_RATE_PLACES} decimals: {text.strip()} has more")
    return rate
