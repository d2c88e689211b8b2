"""The words on an invoice in English and Arabic; amounts and dates as each language writes them.

Amounts go through babel's `format_currency` with the currency's own minor unit (JPY none,
KWD three), in Latin digits for both languages (babel's default for "ar", and what Gulf
invoices print). Bidi marks babel puts around Arabic amounts are left in: the canvas uses
them to order the runs, then drops them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from domain.billing.invoices import REVERSE_CHARGE_NOTE
from domain.billing.ledger import BASIS_POINTS
from domain.billing.money import exponent


@dataclass(frozen=True, slots=True)
class Labels:
    """Every fixed word on the document in one language; `{}` fields are filled in."""

    invoice: str
    credit_note: str
    issued: str
    billed_to: str
    description: str
    quantity: str
    unit_price: str
    net: str
    tax: str
    subtotal: str
    tax_rate: str  # "{rate}" is the formatted percentage
    tax_reverse_charge: str
    total: str
    prices_include_tax: str
    prices_plus_tax: str
    credits: str  # "{number}" is the credited invoice's
    reverse_charge: str
    thanks: str
    page: str  # "{page}", "{pages}"


LABELS = {
    "en": Labels(
        invoice="Invoice",
        credit_note="Credit note",
        issued="Issue date",
        billed_to="Billed to",
        description="Description",
        quantity="Qty",
        unit_price="Unit price",
        net="Net",
        tax="Tax",
        subtotal="Subtotal",
        tax_rate="VAT {rate}",
        tax_reverse_charge="VAT (reverse charge)",
        total="Total",
        prices_include_tax="Tax included: the prices above include VAT.",
        prices_plus_tax="Plus tax: VAT is added to the prices above.",
        credits="Credits invoice {number}",
        reverse_charge=REVERSE_CHARGE_NOTE,
        thanks="Thank you.",
        page="Page {page} of {pages}",
    ),
    "ar": Labels(
        invoice="فاتورة",
        credit_note="إشعار دائن",
        issued="تاريخ الإصدار",
        billed_to="العميل",
        description="الوصف",
        quantity="الكمية",
        unit_price="سعر الوحدة",
        net="الصافي",
        tax="الضريبة",
        subtotal="المجموع الفرعي",
        tax_rate="ضريبة القيمة المضافة {rate}",
        tax_reverse_charge="ضريبة القيمة المضافة (احتساب عكسي)",
        total="الإجمالي",
        prices_include_tax="شامل الضريبة: الأسعار أعلاه تشمل ضريبة القيمة المضافة.",
        prices_plus_tax="غير شامل الضريبة: تضاف ضريبة القيمة المضافة إلى الأسعار أعلاه.",
        credits="الفاتورة الأصلية: {number}",
        reverse_charge="احتساب عكسي: يتولى العميل احتساب الضريبة وسدادها.",
        thanks="شكرًا لكم.",
        page="صفحة {page} من {pages}",
    ),
}
RTL_LANGUAGES = frozenset({"ar"})
_WORD = re.compile(r"[^ \u00a0]+")


def language_of(code: str) -> str:
    """The document language for a client's language tag ("ar-SA" is Arabic); English otherwise."""
    base = (code or "").replace("_", "-").split("-")[0].lower()
    return base if base in LABELS else "en"


def money(amount_minor: int, currency: str, language: str) -> str:
    """An amount as the language writes it, to the currency's minor unit: "£120.00", "¥1,200".

    Each word is isolated (FSI ... PDI), so the number and the symbol stay whole and in the
    language's order wherever they stand: without it UAX #9 splits "120.00 UK£" in Arabic
    and sends the "£" to the far side.
    """
    value = Decimal(amount_minor).scaleb(-exponent(currency))
    written = format_currency(value, currency, locale=language)
    return _WORD.sub(lambda word: f"\u2068{word.group()}\u2069", written)


def quantity(count: int, language: str) -> str:
    """A quantity with the language's grouping."""
    return format_decimal(count, locale=language)


def rate(rate_bps: int, language: str) -> str:
    """A tax rate, "20%", isolated left to right so it stays whole after Arabic words.

    Without the isolate, UAX #9 reads digits after Arabic letters as an Arabic number and
    sends the "%" to the far side ("%20").
    """
    percent = format_percent(Decimal(rate_bps) / BASIS_POINTS, "#,##0.##%", locale=language)
    return f"\u2066{percent}\u2069"


def issue_date(issued_at: datetime, timezone: str, language: str) -> str:
    """The issue date on the reader's calendar, written out: "March 14, 2026", "14 مارس 2026"."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):  # a bad zone must not stop an invoice
        zone = ZoneInfo("UTC")
    return format_date(issued_at.astimezone(zone).date(), "long", locale=language)
