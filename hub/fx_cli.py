"""`samia fx sync|rate|set`: fetch the reference rates, read the one a day would use, and
load one for a currency nobody publishes (KWD)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from hub.cli_support import fail, migrated_settings

if TYPE_CHECKING:
    from domain.billing.fx_sync import FxSyncResult
    from domain.ports.fx import FxQuote
    from hub.settings import Settings

fx_app = typer.Typer(help="Exchange rates (the ECB's reference rates).", no_args_is_help=True)
console = Console()


@fx_app.command("sync")
def sync(
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Load the ECB history bundled offline.")
    ] = False,
    backfill_days: Annotated[
        int, typer.Option(min=1, help="Days fetched when no rate is stored yet.")
    ] = 400,
) -> None:
    """Fetch the rates published since the last sync and store them."""
    from domain.errors import ConnectorError

    settings = migrated_settings()
    where = "the bundled ECB history" if bundled or settings.fx is None else "the ECB"
    try:
        result = asyncio.run(_sync(settings, bundled=bundled, backfill_days=backfill_days))
    except ConnectorError as exc:
        reason = " ".join(str(exc).split())  # a vendor's HTML body must stay on one line
        fail(f"fx sync failed: {reason}")
    if result.latest_day is None:
        console.print(
            f"no rates published since {result.since} in {where}", highlight=False, soft_wrap=True
        )
        return
    console.print(
        f"stored {result.new:,} new rates up to {result.latest_day} from {where}",
        highlight=False,
        soft_wrap=True,
    )


@fx_app.command("rate")
def rate(
    base: Annotated[str, typer.Argument(help="Currency converted from, e.g. GBP.")],
    quote: Annotated[str, typer.Argument(help="Currency converted to, e.g. AED.")],
    on: Annotated[
        str | None, typer.Option("--on", help="The day, YYYY-MM-DD (default: today, UTC).")
    ] = None,
) -> None:
    """Print the stored rate a payment of that day would use (crossed through EUR if needed)."""
    from domain.billing.money import InvalidAmount, currency_code
    from domain.clock import SystemClock
    from domain.errors import InvalidRequest

    try:
        day = date.fromisoformat(on) if on is not None else SystemClock().now().date()
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
    try:
        pair = currency_code(base), currency_code(quote)
    except InvalidAmount as exc:
        fail(str(exc))
    settings = migrated_settings()
    try:
        found = asyncio.run(_rate_on(settings.database_url, *pair, day))
    except InvalidRequest as exc:
        fail(str(exc))
    console.print(
        f"1 {found.base} = {found.rate} {found.quote} on {day}"
        f" (published {found.as_of}, {found.source})",
        highlight=False,
        soft_wrap=True,
    )


@fx_app.command("set")
def set_rate(
    currency: Annotated[str, typer.Argument(help="A currency nobody publishes, e.g. KWD.")],
    rate_text: Annotated[
        str, typer.Argument(metavar="RATE", help="How much of it 1 EUR buys, e.g. 0.3571.")
    ],
    on: Annotated[str, typer.Option("--on", help="The day it applies from, YYYY-MM-DD.")],
) -> None:
    """Load a rate the ECB does not publish (1 EUR = RATE CCY); lookups carry it a week."""
    from domain.errors import InvalidRequest

    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
    settings = migrated_settings()
    try:
        stored = asyncio.run(_load(settings.database_url, currency, rate_text, day))
    except InvalidRequest as exc:
        fail(str(exc))
    console.print(
        f"stored 1 {stored.base} = {stored.rate} {stored.quote} on {stored.as_of}"
        f" ({stored.source}); conversions of that day and the week after use it",
        highlight=False,
        soft_wrap=True,
    )


async def _sync(settings: Settings, *, bundled: bool, backfill_days: int) -> FxSyncResult:
    """Open the database and the source just for this run."""
    from domain.billing.fx_sync import sync_fx_rates
    from domain.clock import SystemClock
    from hub.flow_deps import fx_rate_source
    from storage.uow import Database

    database = Database.from_url(settings.database_url)
    source, close = fx_rate_source(settings, bundled=bundled)
    try:
        return await sync_fx_rates(
            uows=database.uows, source=source, clock=SystemClock(), backfill_days=backfill_days
        )
    finally:
        await close()
        await database.dispose()


async def _rate_on(database_url: str, base: str, quote: str, day: date) -> FxQuote:
    """One read-only lookup; MissingFxRate says what to load."""
    from domain.billing.fx import known_rate
    from storage.uow import Database

    database = Database.from_url(database_url)
    try:
        async with database.uows(read_only=True) as uow:
            return await known_rate(uow.fx_rates, base, quote, day)
    finally:
        await database.dispose()


async def _load(database_url: str, currency: str, rate_text: str, day: date) -> FxQuote:
    """Store one admin's rate."""
    from domain.billing.fx_sync import load_rate
    from domain.clock import SystemClock
    from storage.uow import Database

    database = Database.from_url(database_url)
    try:
        return await load_rate(
            uow=database.uows(),
            clock=SystemClock(),
            currency=currency,
            rate_text=rate_text,
            day=day,
        )
    finally:
        await database.dispose()
