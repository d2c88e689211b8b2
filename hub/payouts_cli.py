"""`samia payouts run [--dry-run] [--period-end DATE]`: pay readers now, as the weekly flow does.

The statements print as a table (one row per reader and currency: paid, carried forward,
or what a dry run would pay); a progress bar on stderr follows a run over many readers.
Statements then go to each reader's chat as the flow sends them.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from hub.cli_support import err_console, migrated_settings

if TYPE_CHECKING:
    from domain.billing.payouts import PayoutRun
    from hub.settings import Settings

payouts_app = typer.Typer(help="Reader payouts.", no_args_is_help=True)
console = Console()


@payouts_app.command("run")
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Compute the statements; write and send nothing.")
    ] = False,
    period_end: Annotated[
        str | None,
        typer.Option(
            "--period-end", help="Last day paid, YYYY-MM-DD (default: each reader's yesterday)."
        ),
    ] = None,
) -> None:
    """Pay every reader what the ledger owes them, once; a rerun pays nothing twice."""
    try:
        end = date.fromisoformat(period_end) if period_end else None
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--period-end") from None
    settings = migrated_settings()
    result, sent = asyncio.run(_run(settings, end, dry_run))
    _print(result)
    for reader_id, reason in result.failures.items():
        err_console.print(f"not paid: reader {reader_id}: {reason}", highlight=False, markup=False)
    totals = result.payable_by_currency() if dry_run else result.paid_by_currency()
    paid = ", ".join(_money(v, c) for c, v in sorted(totals.items()))
    count = sum(1 for s in result.statements if s.payable) if dry_run else len(result.payouts)
    verb = "would pay" if dry_run else "paid"
    console.print(
        f"{verb} {count} payouts"
        f" to {len(result.readers)} readers{': ' + paid if paid else ''}"
        + ("" if dry_run else f"; {sent} statements sent"),
        highlight=False,
        soft_wrap=True,
    )
    if result.failures:
        raise typer.Exit(1)


async def _run(settings: Settings, end: date | None, dry_run: bool) -> tuple[PayoutRun, int]:
    from domain.billing.payouts import run_payouts, send_statements
    from hub.flow_deps import build_deps

    deps = await build_deps(settings)
    try:
        with Progress(
            TextColumn("readers"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
        ) as progress:
            task = progress.add_task("readers", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = await run_payouts(
                uows=deps.uows,
                clock=deps.clock,
                period_end=end,
                dry_run=dry_run,
                progress=advance,
            )
        sent = 0
        if not dry_run and deps.statement_link is not None:
            sent = len(
                await send_statements(
                    uows=deps.uows, notifier=deps.notifier, link=deps.statement_link
                )
            )
        return result, sent
    finally:
        await deps.aclose()


def _print(result: PayoutRun) -> None:
    if not result.statements:
        console.print("nothing to pay: no reader has unpaid earnings", highlight=False)
        return
    table = Table("reader", "currency", "period")
    for name in ("sessions", "gross", "refunds", "tax", "platform fee", "net"):
        table.add_column(name, justify="right")  # amounts line up on their decimals
    table.add_column("status")
    for done in result.readers:
        paid = {p.statement.currency for p in done.payouts}
        for s in done.statements:
            money = [
                _money(v, s.currency)
                for v in (
                    s.gross_minor,
                    s.refunds_minor,
                    s.tax_minor,
                    s.platform_fee_minor,
                    s.net_minor,
                )
            ]
            status = (
                "carried forward"
                if not s.payable
                else "paid"
                if s.currency in paid
                else "dry run"
                if result.dry_run
                else "paid before"
            )
            period = f"{s.period_start}..{s.period_end}"
            table.add_row(done.reader.slug, s.currency, period, str(s.sessions), *money, status)
    console.print(table)


def _money(minor: int, currency: str) -> str:
    from hub.report_csv import major

    return f"{major(minor, currency)} {currency}"
