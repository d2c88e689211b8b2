"""Payout statement PDFs: the invoice's canvas, fonts and branding, English or Arabic RTL.

One page: the reader's brand and the period, who was paid and when, then the period's
figures (sessions, gross, refunds, tax, platform fee) down to the net paid. Deductions
are printed with a minus; a net tax or fee that refunds turned negative reads as money
given back, so the column always adds up to the net.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from connectors.documents._canvas import Canvas
from connectors.documents._labels import issue_date, money
from connectors.documents._layout import HAIRLINE, INK, MARGIN, MUTED, PAD, Brand
from connectors.documents.invoice_pdf import PdfRenderer, brand
from domain.ports.statements import StatementDocument


@dataclass(frozen=True, slots=True)
class StatementLabels:
    """Every fixed word on a statement in one language."""

    title: str
    period: str  # "{start}", "{end}"
    paid_to: str
    paid_on: str
    item: str
    amount: str
    sessions: str
    gross: str
    refunds: str
    tax: str
    platform_fee: str
    net: str
    note: str  # "{currency}"
    reference: str  # "{ref}"
    page: str


STATEMENT_LABELS = {
    "en": StatementLabels(
        title="Payout statement",
        period="{start} to {end}",
        paid_to="Paid to",
        paid_on="Paid on",
        item="Item",
        amount="Amount",
        sessions="Paid sessions",
        gross="Gross takings",
        refunds="Refunds and disputes",
        tax="Tax set aside",
        platform_fee="Platform fee",
        net="Net paid to you",
        note=(
            "Amounts in {currency}. Tax and the platform fee are net of the period's refunds;"
            " a refund of a payment paid out before can make them negative."
        ),
        reference="Statement {ref}",
        page="Page {page} of {pages}",
    ),
    "ar": StatementLabels(
        title="كشف الدفعة",
        period="من {start} إلى {end}",
        paid_to="المستفيد",
        paid_on="تاريخ الدفع",
        item="البند",
        amount="المبلغ",
        sessions="الجلسات المدفوعة",
        gross="إجمالي المقبوضات",
        refunds="المبالغ المستردة والنزاعات",
        tax="الضريبة المحتجزة",
        platform_fee="رسوم المنصة",
        net="الصافي المدفوع لك",
        note=(
            "المبالغ بعملة {currency}. الضريبة ورسوم المنصة بعد خصم مستردات الفترة،"
            " وقد تصبح سالبة عند استرداد دفعة سبق صرفها."
        ),
        reference="كشف رقم {ref}",
        page="صفحة {page} من {pages}",
    ),
}


def _day(day: date, language: str) -> str:
    return format_date(day, "long", locale=language)


class PdfStatementRenderer(PdfRenderer):
    """Renders `StatementDocument`s; keep one per process (it holds the cut fonts)."""

    def render_statement(self, document: StatementDocument) -> bytes:
        """The statement as an A4 PDF in the reader's language."""
        canvas, language = self._canvas(document.language, document.payout.created_at)
        look = brand(document.brand_primary_color, document.brand_accent_color, document.logo_png)
        return _Sheet(document, look, canvas, language).draw()


class _Sheet:
    """The statement laid out top to bottom in logical coordinates."""

    def __init__(
        self, document: StatementDocument, look: Brand, canvas: Canvas, language: str
    ) -> None:
        self.doc = document
        self.statement = document.payout.statement
        self.look = look
        self.canvas = canvas
        self.language = language
        self.labels = STATEMENT_LABELS[language]
        self.width = canvas.width - 2 * MARGIN
        self.y = MARGIN
        self.ref = document.payout.id.hex[:8].upper()

    def amount(self, minor: int) -> str:
        return money(minor, self.statement.currency, self.language)

    def draw(self) -> bytes:
        period = self.labels.period.format(
            start=_day(self.statement.period_start, self.language),
            end=_day(self.statement.period_end, self.language),
        )
        self.canvas.set_info(
            title=f"{self.labels.title} {self.ref}", author="Samia hub", subject=period
        )
        self.header(period)
        self.parties()
        self.figures()
        self.note()
        self.footer()
        return self.canvas.output()

    def header(self, period: str) -> None:
        """Logo and the reader's name at the start; title and period at the end."""
        c, top, x = self.canvas, self.y, MARGIN
        height = 21.0
        if self.look.logo is not None and self.look.logo_size is not None:
            width_px, height_px = self.look.logo_size
            w = min(40.0, 16.0 * width_px / height_px)
            h = w * height_px / width_px
            try:
                c.image(self.look.logo, x, top, w, h)
                x += w + 4.0
                height = max(height, h)
            except Exception:  # a broken logo must not stop a statement: it is left out
                pass
        name_w = MARGIN + self.width * 0.55 - x
        c.text(
            x,
            top,
            name_w,
            10,
            self.doc.reader_name,
            size=20,
            bold=True,
            color=self.look.primary,
            fit=True,
        )
        if self.doc.reader_email:
            c.text(x, top + 11, name_w, 5, self.doc.reader_email, size=9, color=MUTED, fit=True)
        end_x, end_w = MARGIN + self.width * 0.55, self.width * 0.45
        c.text(
            end_x,
            top,
            end_w,
            10,
            self.labels.title,
            size=18,
            bold=True,
            color=INK,
            align="end",
            fit=True,
        )
        c.text(end_x, top + 11, end_w, 5, period, size=10, color=INK, align="end", fit=True)
        self.y = top + height + 3
        c.rule(MARGIN, self.y, self.width, color=self.look.accent, thickness=0.8)
        self.y += 7

    def parties(self) -> None:
        """Who was paid at the start; when, on their calendar, at the end."""
        c, top, half = self.canvas, self.y, self.width / 2
        paid_at = self.doc.payout.paid_at or self.doc.payout.created_at
        c.text(MARGIN, top, half, 4, self.labels.paid_to, size=8, color=MUTED)
        c.text(
            MARGIN,
            top + 5,
            half,
            5.5,
            self.doc.reader_name,
            size=10.5,
            bold=True,
            color=INK,
            fit=True,
        )
        c.text(MARGIN + half, top, half, 4, self.labels.paid_on, size=8, color=MUTED, align="end")
        c.text(
            MARGIN + half,
            top + 5,
            half,
            5.5,
            issue_date(paid_at, self.doc.timezone, self.language),
            size=10,
            color=INK,
            align="end",
        )
        self.y = top + 19

    def figures(self) -> None:
        """The period's lines down to the net, on a band of the brand colour."""
        c, label_w = self.canvas, self.width * 0.62
        amount_w = self.width - label_w
        c.rect(MARGIN, self.y, self.width, 8, self.look.primary)
        on = self.look.on_primary
        c.text(
            MARGIN + PAD,
            self.y,
            label_w - 2 * PAD,
            8,
            self.labels.item,
            size=8.5,
            bold=True,
            color=on,
        )
        c.text(
            MARGIN + label_w + PAD,
            self.y,
            amount_w - 2 * PAD,
            8,
            self.labels.amount,
            size=8.5,
            bold=True,
            color=on,
            align="end",
        )
        self.y += 8
        s = self.statement
        rows = (
            (self.labels.sessions, format_decimal(s.sessions, locale=self.language)),
            (self.labels.gross, self.amount(s.gross_minor)),
            (self.labels.refunds, self.amount(-s.refunds_minor)),
            (self.labels.tax, self.amount(-s.tax_minor)),
            (self.labels.platform_fee, self.amount(-s.platform_fee_minor)),
        )
        for label, value in rows:
            c.text(MARGIN + PAD, self.y + 1, label_w - 2 * PAD, 6, label, size=10, color=INK)
            c.text(
                MARGIN + label_w + PAD,
                self.y + 1,
                amount_w - 2 * PAD,
                6,
                value,
                size=10,
                color=INK,
                align="end",
                fit=True,
            )
            self.y += 8
            c.rule(MARGIN, self.y, self.width, color=HAIRLINE)
        self.y += 2
        c.rule(MARGIN, self.y, self.width, color=self.look.primary, thickness=0.5)
        self.y += 1.5
        c.text(
            MARGIN + PAD,
            self.y,
            label_w - 2 * PAD,
            9,
            self.labels.net,
            size=12,
            bold=True,
            color=self.look.primary,
        )
        c.text(
            MARGIN + label_w + PAD,
            self.y,
            amount_w - 2 * PAD,
            9,
            self.amount(s.net_minor),
            size=12,
            bold=True,
            color=self.look.primary,
            align="end",
            fit=True,
        )
        self.y += 16

    def note(self) -> None:
        """What the figures mean."""
        text = self.labels.note.format(currency=self.statement.currency)
        for line in self.canvas.wrap(text, self.width, size=9):
            self.canvas.text(MARGIN, self.y, self.width, 5, line, size=9, color=MUTED)
            self.y += 5

    def footer(self) -> None:
        """The statement's reference and the page, at the foot."""
        c, y = self.canvas, self.canvas.height - MARGIN - 6
        c.rule(MARGIN, y, self.width, color=HAIRLINE)
        c.text(
            MARGIN,
            y + 1.5,
            self.width * 0.6,
            5,
            self.labels.reference.format(ref=self.ref),
            size=8,
            color=MUTED,
        )
        page = self.labels.page.format(page=1, pages=1)
        c.text(
            MARGIN + self.width * 0.6,
            y + 1.5,
            self.width * 0.4,
            5,
            page,
            size=8,
            color=MUTED,
            align="end",
        )
