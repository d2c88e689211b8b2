"""The dashboard's tables: one definition each, shown as HTML and exported as the same CSV.

A cell holds the figure's own value (minor units, a share, a day); the page formats it
for the reader's language and the CSV writes it plainly: amounts in major units of the
row's currency, exactly from minor units, shares as decimals, days as ISO dates, so a
spreadsheet gets numbers and the page gets words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from babel.numbers import format_decimal, format_percent

from bots.language import format_money, format_weekday
from hub.dashboard.strings import has, text
from hub.report_csv import major


class Cell(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    COUNT = "count"
    MONEY = "money"  # minor units; the row's "currency" column says which
    SHARE = "share"  # 0..1, or None
    NUMBER = "number"  # a float such as minutes or stars, or None
    DAY = "day"  # a date, or an ISO day
    WEEKDAY = "weekday"  # 0 Monday .. 6 Sunday
    HOUR = "hour"  # 0..23
    LABEL = "label"  # a catalog key: the CSV writes the key, the page its words


class DashboardTable(StrEnum):
    """Every exportable table, by the name in `/dashboard/export/<name>.csv`."""

    REVENUE = "revenue"
    REVENUE_BY_SERVICE = "revenue-by-service"
    SESSIONS = "sessions"
    RATINGS = "ratings"
    PEAK_HOURS = "peak-hours"
    COHORTS = "cohorts"
    COMMENTS = "comments"
    GROWTH = "growth"
    ACTIVE_CLIENTS = "active-clients"
    REVENUE_BY_KIND = "revenue-by-kind"
    REVENUE_BY_COUNTRY = "revenue-by-country"
    CLIENTS_BY_COUNTRY = "clients-by-country"
    POPULARITY = "popularity"
    CHURN = "churn"
    WEBHOOKS = "webhooks"
    OUTBOX = "outbox"


READER_TABLES = frozenset(
    {
        DashboardTable.REVENUE,
        DashboardTable.REVENUE_BY_SERVICE,
        DashboardTable.SESSIONS,
        DashboardTable.RATINGS,
        DashboardTable.PEAK_HOURS,
        DashboardTable.COHORTS,
        DashboardTable.COMMENTS,
    }
)
LIVE_TABLES = frozenset({DashboardTable.WEBHOOKS, DashboardTable.OUTBOX})


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its CSV name, how its cells are written, its header's catalog key."""

    name: str
    kind: Cell
    header: str = ""  # a strings key; "" means col_<name>
    params: tuple[tuple[str, object], ...] = ()

    def title(self, language: str) -> str:
        """The header as the page shows it."""
        return text(language, self.header or f"col_{self.name}", **dict(self.params))


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of cells under named columns."""

    name: DashboardTable
    columns: tuple[Column, ...]
    rows: list[tuple[object, ...]] = field(default_factory=list)

    def csv(self) -> str:
        """The table for a spreadsheet: a header row of column names, plain values."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in self.columns])
        currency = self._currency_index()
        for row in self.rows:
            writer.writerow(
                [
                    _plain(value, column.kind, str(row[currency]) if currency is not None else "")
                    for column, value in zip(self.columns, row, strict=True)
                ]
            )
        return out.getvalue()

    def shown(self, language: str) -> list[list[str]]:
        """The rows as the page shows them, in its language."""
        currency = self._currency_index()
        return [
            [
                _shown(
                    value, column.kind, str(row[currency]) if currency is not None else "", language
                )
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]

    def numeric(self) -> list[bool]:
        """Which columns hold numbers (aligned to the end of the cell)."""
        return [c.kind not in (Cell.TEXT, Cell.DAY, Cell.WEEKDAY, Cell.LABEL) for c in self.columns]

    def _currency_index(self) -> int | None:
        names = [c.name for c in self.columns]
        return names.index("currency") if "currency" in names else None


def _plain(value: object, kind: Cell, currency: str) -> str:
    if value is None:
        return ""
    if kind is Cell.MONEY:
        return major(int(value), currency)  # type: ignore[call-overload]
    if kind is Cell.SHARE:
        return f"{Decimal(str(value)).quantize(Decimal('0.0001'))}"
    if kind is Cell.NUMBER:
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    if kind is Cell.DAY and isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _shown(value: object, kind: Cell, currency: str, language: str) -> str:
    if value is None:
        return "—"
    if kind is Cell.MONEY:
        return format_money(int(value), currency, language)  # type: ignore[call-overload]
    if kind is Cell.SHARE:
        return str(format_percent(float(value), locale=language))  # type: ignore[arg-type]
    if kind is Cell.NUMBER:
        return str(format_decimal(float(value), format="#,##0.#", locale=language))  # type: ignore[arg-type]
    if kind is Cell.COUNT:
        return str(format_decimal(int(value), locale=language))  # type: ignore[call-overload]
    if kind is Cell.WEEKDAY:
        return format_weekday(int(value), language)  # type: ignore[call-overload]
    if kind is Cell.HOUR:
        return f"{int(value):02d}:00"  # type: ignore[call-overload]
    if kind is Cell.DAY and isinstance(value, date | datetime):
        return value.isoformat()[:10]
    if kind is Cell.LABEL and has(str(value)):
        return text(language, str(value))
    return str(value)


def columns(*spec: tuple[str, Cell] | Column) -> tuple[Column, ...]:
    """Columns from (name, kind) pairs, or ready-made `Column`s."""
    return tuple(c if isinstance(c, Column) else Column(c[0], c[1]) for c in spec)


def rows_of(values: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """Rows as tuples."""
    return [tuple(v) for v in values]


__all__ = (
    "LIVE_TABLES",
    "READER_TABLES",
    "Cell",
    "Column",
    "DashboardTable",
    "Table",
    "columns",
    "rows_of",
)
