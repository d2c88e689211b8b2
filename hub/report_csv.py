"""Reports as CSV for spreadsheets: one header row, amounts in major units of their currency.

Amounts are written exactly from minor units ("80.00", "1200" for yen, "1.250" for
dinars), never through a float, with a currency column beside them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from domain.billing.money import exponent
from domain.billing.reports import Outstanding, ProfitAndLoss, TaxReport
from domain.billing.statements import zone_of

CSV_TYPE = "text/csv; charset=utf-8"


def major(minor: int, currency: str) -> str:
    """Minor units as a plain decimal of the currency's own places ("-12.50")."""
    places = exponent(currency)
    return f"{Decimal(minor).scaleb(-places):.{places}f}"


def _write(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def pnl_csv(report: ProfitAndLoss) -> str:
    """One row: the period's lines in the reader's currency."""
    c = report.currency
    return _write(
        (
            "reader",
            "from",
            "to",
            "currency",
            "payments",
            "revenue",
            "refunds",
            "tax",
            "platform_fees",
            "expenses",
            "net",
            "unconverted_entries",
        ),
        [
            (
                report.reader.slug,
                report.period.start.isoformat(),
                report.period.end.isoformat(),
                c,
                report.payments,
                major(report.revenue_minor, c),
                major(report.refunds_minor, c),
                major(report.tax_minor, c),
                major(report.platform_fees_minor, c),
                major(report.expenses_minor, c),
                major(report.net_minor, c),
                report.unconverted,
            )
        ],
    )


def tax_csv(report: TaxReport) -> str:
    """A row per country, rate and currency; an empty country is outside the reader's tax."""
    return _write(
        ("country", "rate_percent", "reverse_charge", "currency", "documents", "net", "tax"),
        (
            (
                line.country or "",
                _percent(line.rate_bps),
                "yes" if line.reverse_charge else "no",
                line.currency,
                line.documents,
                major(line.net_minor, line.currency),
                major(line.tax_minor, line.currency),
            )
            for line in report.lines
        ),
    )


def outstanding_csv(report: Outstanding) -> str:
    """A row per unpaid invoice, oldest first; issue days on the reader's calendar."""
    zone = zone_of(report.reader.timezone)
    return _write(
        ("number", "client", "currency", "total", "credited", "due", "issued_on"),
        (
            (
                item.number,
                item.client,
                item.currency,
                major(item.total_minor, item.currency),
                major(item.credited_minor, item.currency),
                major(item.due_minor, item.currency),
                item.issued_at.astimezone(zone).date().isoformat(),
            )
            for item in report.invoices
        ),
    )


def _percent(rate_bps: int) -> str:
    return f"{Decimal(rate_bps).scaleb(-2):.2f}"
