"""`samia invoices list|show|pdf`: the invoices readers issued, one in detail, its PDF."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from hub.cli_support import fail, migrated_settings

if TYPE_CHECKING:
    from domain.billing.invoice_views import InvoiceSummary, RenderedInvoice
    from domain.enums import InvoiceStatus
    from hub.settings import Settings
    from storage.uow import Database

invoices_app = typer.Typer(help="Invoices and credit notes.", no_args_is_help=True)
console = Console()
STATUSES = ("draft", "issued", "paid", "void")


@invoices_app.command("list")
def list_(
    reader: Annotated[
        str | None, typer.Option("--reader", help="Only this reader's (slug).")
    ] = None,
    client_email: Annotated[
        str | None, typer.Option("--client-email", help="Only this client's.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help=f"Only in this state: {', '.join(STATUSES)}.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
) -> None:
    """The newest invoices first, with their totals and whether they are paid."""
    from domain.enums import InvoiceKind, InvoiceStatus

    if status is not None and status.lower() not in STATUSES:
        raise typer.BadParameter(f"use one of {', '.join(STATUSES)}", param_hint="--status")
    wanted = InvoiceStatus(status.lower()) if status else None
    settings = migrated_settings()
    found = asyncio.run(_list(settings, reader, client_email, wanted, limit))
    if not found:
        console.print("no invoices match", highlight=False, soft_wrap=True)
        return
    table = Table()
    # Numbers, amounts and dates are never cut short, however narrow the terminal or pipe.
    table.add_column("number", no_wrap=True)
    table.add_column("reader", overflow="fold")
    table.add_column("client", overflow="fold")
    table.add_column("total", no_wrap=True, justify="right")
    table.add_column("status", no_wrap=True)
    table.add_column("issued", no_wrap=True)
    for summary in found:
        invoice = summary.invoice
        credit = invoice.kind is InvoiceKind.CREDIT_NOTE
        table.add_row(
            invoice.number,
            summary.reader_slug,
            summary.client_email or "-",
            str(invoice.total),
            "credit note" if credit else invoice.status.value,
            f"{invoice.issued_at:%Y-%m-%d}",
        )
    console.print(table)


# Each reader numbers their own invoices: the same number can be two readers'.
WhoseOption = Annotated[
    str | None, typer.Option("--reader", help="The reader's slug, when two share a number.")
]


@invoices_app.command("show")
def show(
    number: Annotated[str, typer.Argument(help="The number, e.g. SAM-2026-000123.")],
    reader: WhoseOption = None,
) -> None:
    """One invoice: who from and for, its lines, tax and total."""
    settings = migrated_settings()
    summary = asyncio.run(_by_number(settings, number, reader))
    invoice = summary.invoice
    title = "Invoice" if invoice.kind.value == "invoice" else "Credit note"
    console.print(
        f"{title} {invoice.number} ({invoice.status.value})", highlight=False, soft_wrap=True
    )
    console.print(
        f"reader {summary.reader_slug} · client {summary.client_email or '-'} · "
        f"issued {invoice.issued_at:%Y-%m-%d %H:%M} UTC",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    table = Table("#", "description", "qty", "unit", "net", "tax")
    for line in invoice.lines:
        table.add_row(
            str(line.position),
            line.description,
            str(line.quantity),
            _minor(line.unit_price_minor, invoice.currency),
            _minor(line.net_minor, invoice.currency),
            _minor(line.tax_minor, invoice.currency),
        )
    console.print(table)
    rule = invoice.rule
    rate = f"{rule.rate_bps / 100:g} % {'included' if rule.inclusive else 'on top'}"
    console.print(
        f"subtotal {invoice.subtotal} · tax {invoice.tax} ({rate}) · total {invoice.total}",
        highlight=False,
        soft_wrap=True,
    )
    if invoice.note:
        console.print(invoice.note, highlight=False, markup=False, soft_wrap=True)


@invoices_app.command("pdf")
def pdf(
    number: Annotated[str, typer.Argument(help="The number, e.g. SAM-2026-000123.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write it (default: NUMBER.pdf here).")
    ] = None,
    reader: WhoseOption = None,
) -> None:
    """Render the invoice's PDF (the client's language, the reader's branding) to a file."""
    settings = migrated_settings()
    rendered = asyncio.run(_render(settings, number, reader))
    target = out or Path(rendered.filename)
    try:
        target.write_bytes(rendered.pdf)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    console.print(f"wrote {target} ({len(rendered.pdf):,} bytes)", highlight=False, soft_wrap=True)


def _minor(amount_minor: int, currency: str) -> str:
    from domain.billing.money import Money

    return str(Money(amount_minor, currency))


async def _list(
    settings: Settings,
    reader: str | None,
    client_email: str | None,
    status: InvoiceStatus | None,
    limit: int,
) -> list[InvoiceSummary]:
    from domain.billing.invoice_views import list_invoices
    from storage.uow import Database

    database = Database.from_url(settings.database_url)
    try:
        return await list_invoices(
            uow=database.uows(read_only=True),
            reader=reader,
            client_email=client_email,
            status=status,
            limit=limit,
        )
    finally:
        await database.dispose()


async def _by_number(settings: Settings, number: str, reader: str | None) -> InvoiceSummary:
    from storage.uow import Database

    database = Database.from_url(settings.database_url)
    try:
        return await _find(database, number, reader)
    finally:
        await database.dispose()


async def _render(settings: Settings, number: str, reader: str | None) -> RenderedInvoice:
    from domain.billing.invoice_views import render_invoice
    from hub.documents import document_renderer
    from storage.uow import Database

    database = Database.from_url(settings.database_url)
    try:
        summary = await _find(database, number, reader)
        return await render_invoice(
            uow=database.uows(read_only=True),
            renderer=document_renderer(),
            invoice_id=summary.invoice.id,
        )
    finally:
        await database.dispose()


async def _find(database: Database, number: str, reader: str | None) -> InvoiceSummary:
    """The invoice by number, or exit 1 saying how to find the numbers."""
    from domain.billing.invoice_views import invoice_by_number
    from domain.errors import InvalidRequest, NotFound

    try:
        return await invoice_by_number(
            uow=database.uows(read_only=True), number=number, reader_slug=reader
        )
    except InvalidRequest as exc:
        fail(f"{exc} with --reader SLUG")
    except NotFound as exc:
        fail(f"{exc}: `samia invoices list` shows the numbers")
