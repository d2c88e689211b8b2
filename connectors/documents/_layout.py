"""The invoice page: header, parties, lines, totals, notes and footer, in logical coordinates.

Drawn top to bottom in reading order, which is also the order extracted text comes back
in; the canvas mirrors it for Arabic. A long invoice continues on new pages with the
column titles repeated; footers go on last, once the page count is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.documents._canvas import RGB, Align, Canvas
from connectors.documents._labels import LABELS, Labels, issue_date, money, quantity, rate
from domain.enums import InvoiceKind
from domain.ports.documents import InvoiceDocument

INK: RGB = (34, 30, 42)
MUTED: RGB = (108, 102, 118)
HAIRLINE: RGB = (222, 218, 228)

MARGIN = 18.0
PAD = 2.0  # inside table cells
FOOTER = 14.0  # kept free at the bottom of every page
LINE = 4.6  # one line of table text


@dataclass(frozen=True, slots=True)
class Brand:
    """The reader's look, resolved: colours as RGB, the logo with its pixel size."""

    primary: RGB
    accent: RGB
    on_primary: RGB  # text on a primary fill
    logo: bytes | None = None
    logo_size: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    width: float
    align: Align


class Sheet:
    """One document laid out top to bottom; `y` is where the next block starts."""

    def __init__(
        self, document: InvoiceDocument, brand: Brand, canvas: Canvas, language: str
    ) -> None:
        self.doc = document
        self.brand = brand
        self.invoice = document.invoice
        self.canvas = canvas
        self.language = language
        self.labels: Labels = LABELS[language]
        self.primary = brand.primary
        self.width = canvas.width - 2 * MARGIN
        self.bottom = canvas.height - MARGIN - FOOTER
        self.y = MARGIN
        fixed = 14.0 + 28.0 + 28.0 + 26.0
        self.columns = (
            _Column("description", self.width - fixed, "start"),
            _Column("quantity", 14.0, "end"),
            _Column("unit_price", 28.0, "end"),
            _Column("net", 28.0, "end"),
            _Column("tax", 26.0, "end"),
        )

    @property
    def title(self) -> str:
        """ "Invoice" or "Credit note" in the document's language."""
        credit = self.invoice.kind is InvoiceKind.CREDIT_NOTE
        return self.labels.credit_note if credit else self.labels.invoice

    def amount(self, minor: int) -> str:
        """An amount in the invoice's currency, as the language writes it."""
        return money(minor, self.invoice.currency, self.language)

    def draw(self) -> bytes:
        """Every block in reading order, then the footers once the page count is known."""
        self.canvas.set_info(
            title=f"{self.title} {self.invoice.number}",
            author=self.doc.reader_name,
            subject=self.doc.client_name or self.doc.client_email or "",
        )
        self.header()
        self.parties()
        self.table()
        self.totals()
        self.notes()
        for page in range(1, self.canvas.pages + 1):
            self.canvas.go_to_page(page)
            self.footer(page)
        return self.canvas.output()

    def header(self) -> None:
        """Logo and brand name at the start, the title and number at the end, a brand rule."""
        c, top, x = self.canvas, self.y, MARGIN
        size, logo = self.brand.logo_size, self.brand.logo
        height = 21.0
        if size is not None and logo is not None:
            h = 16.0
            w = min(40.0, h * size[0] / size[1])
            h = w * size[1] / size[0]
            try:
                c.image(logo, x, top, w, h)
            except Exception:  # a broken logo must not stop an invoice: it is left out
                w = -4.0
            x += w + 4.0
            height = max(height, h)
        brand_w = MARGIN + self.width * 0.6 - x
        c.text(
            x,
            top,
            brand_w,
            10,
            self.doc.reader_name,
            size=20,
            bold=True,
            color=self.primary,
            fit=True,
        )
        if self.doc.reader_email:
            c.text(x, top + 11, brand_w, 5, self.doc.reader_email, size=9, color=MUTED, fit=True)
        end_x, end_w = MARGIN + self.width * 0.6, self.width * 0.4
        c.text(end_x, top, end_w, 10, self.title, size=18, bold=True, color=INK, align="end")
        c.text(end_x, top + 11, end_w, 5, self.invoice.number, size=10, color=INK, align="end")
        if self.invoice.kind is InvoiceKind.CREDIT_NOTE and self.doc.credits_number:
            credits = self.labels.credits.format(number=self.doc.credits_number)
            c.text(end_x, top + 16, end_w, 5, credits, size=8.5, color=MUTED, align="end", fit=True)
        self.y = top + height + 3
        c.rule(MARGIN, self.y, self.width, color=self.brand.accent, thickness=0.8)
        self.y += 7

    def parties(self) -> None:
        """Who is billed at the start; when, on the reader's calendar, at the end."""
        c, top, half = self.canvas, self.y, self.width / 2
        c.text(MARGIN, top, half, 4, self.labels.billed_to, size=8, color=MUTED)
        lines = [
            (text, bold)
            for text, bold in ((self.doc.client_name, True), (self.doc.client_email, False))
            if text
        ]
        for row, (text, bold) in enumerate(lines):
            c.text(
                MARGIN,
                top + 5 + 5.5 * row,
                half,
                5.5,
                text or "",
                size=10.5 if bold else 9.5,
                bold=bold,
                color=INK,
                fit=True,
            )
        date = issue_date(self.invoice.issued_at, self.doc.timezone, self.language)
        c.text(MARGIN + half, top, half, 4, self.labels.issued, size=8, color=MUTED, align="end")
        c.text(MARGIN + half, top + 5, half, 5.5, date, size=10, color=INK, align="end")
        self.y = top + 5 + 5.5 * max(len(lines), 1) + 8

    def table_head(self) -> None:
        """The column titles on a band of the brand colour."""
        c, x = self.canvas, MARGIN
        c.rect(MARGIN, self.y, self.width, 8, self.primary)
        for column in self.columns:
            c.text(
                x + PAD,
                self.y,
                column.width - 2 * PAD,
                8,
                getattr(self.labels, column.key),
                size=8.5,
                bold=True,
                color=self.brand.on_primary,
                align=column.align,
                fit=True,
            )
            x += column.width
        self.y += 8

    def table(self) -> None:
        """One row per line, descriptions wrapped; a new page repeats the column titles."""
        c, desc = self.canvas, self.columns[0]
        self.table_head()
        for line in self.invoice.lines:
            wrapped = c.wrap(line.description, desc.width - 2 * PAD, size=9.5)
            height = max(7.0, LINE * len(wrapped) + 2.4)
            if self.y + height > self.bottom:
                c.new_page()
                self.y = MARGIN
                self.table_head()
            top = self.y + 1.2
            cells = (
                quantity(line.quantity, self.language),
                self.amount(line.unit_price_minor),
                self.amount(line.net_minor),
                self.amount(line.tax_minor),
            )
            # The first line of the row, start to end, then the description's other lines:
            # extracted text then reads a row in order.
            c.text(MARGIN + PAD, top, desc.width - 2 * PAD, LINE, wrapped[0], size=9.5, color=INK)
            x = MARGIN + desc.width
            for column, value in zip(self.columns[1:], cells, strict=True):
                c.text(
                    x + PAD,
                    top,
                    column.width - 2 * PAD,
                    LINE,
                    value,
                    size=9.5,
                    color=INK,
                    align=column.align,
                    fit=True,
                )
                x += column.width
            for row, text in enumerate(wrapped[1:], 1):
                c.text(
                    MARGIN + PAD,
                    top + LINE * row,
                    desc.width - 2 * PAD,
                    LINE,
                    text,
                    size=9.5,
                    color=INK,
                )
            self.y += height
            c.rule(MARGIN, self.y, self.width, color=HAIRLINE)

    def tax_label(self) -> str:
        """ "VAT 20%", or the reverse-charge wording when the client accounts for the tax."""
        rule = self.invoice.rule
        if rule.reverse_charge:
            return self.labels.tax_reverse_charge
        return self.labels.tax_rate.format(rate=rate(rule.rate_bps, self.language))

    def totals(self) -> None:
        """Subtotal, tax and total at the end side, the total in the brand colour."""
        c, w = self.canvas, 84.0
        rows = (
            (self.labels.subtotal, self.invoice.subtotal.amount_minor),
            (self.tax_label(), self.invoice.tax.amount_minor),
        )
        if self.y + 3 + 7 * 3 + 2 > self.bottom:
            c.new_page()
            self.y = MARGIN
        x, self.y = MARGIN + self.width - w, self.y + 3
        for label, minor in rows:
            c.text(x + PAD, self.y, w * 0.55, 7, label, size=9.5, color=MUTED, fit=True)
            c.text(
                x + w * 0.55,
                self.y,
                w * 0.45 - PAD,
                7,
                self.amount(minor),
                size=9.5,
                color=INK,
                align="end",
                fit=True,
            )
            self.y += 7
        c.rule(x, self.y + 0.5, w, color=self.primary, thickness=0.5)
        self.y += 1.5
        total = self.amount(self.invoice.total.amount_minor)
        c.text(
            x + PAD, self.y, w * 0.5, 8, self.labels.total, size=11.5, bold=True, color=self.primary
        )
        c.text(
            x + w * 0.5,
            self.y,
            w * 0.5 - PAD,
            8,
            total,
            size=11.5,
            bold=True,
            color=self.primary,
            align="end",
            fit=True,
        )
        self.y += 14

    def notes(self) -> None:
        """What the tax on this document means: included, added, or the client's to account for."""
        rule, notes = self.invoice.rule, []
        if rule.reverse_charge:
            notes.append((self.labels.reverse_charge, True))
        elif rule.rate_bps:
            inclusive = self.labels.prices_include_tax
            notes.append((inclusive if rule.inclusive else self.labels.prices_plus_tax, False))
        for text, bold in notes:
            for line in self.canvas.wrap(text, self.width, size=9, bold=bold):
                if self.y + 5 > self.bottom:
                    self.canvas.new_page()
                    self.y = MARGIN
                self.canvas.text(MARGIN, self.y, self.width, 5, line, size=9, bold=bold, color=INK)
                self.y += 5

    def footer(self, page: int) -> None:
        """Who sent it and thanks at the start; the number and page at the end."""
        c, y = self.canvas, self.canvas.height - MARGIN - 6
        c.rule(MARGIN, y, self.width, color=HAIRLINE)
        sender = [p for p in (self.doc.reader_name, self.doc.reader_email) if p]
        pages = self.labels.page.format(page=page, pages=self.canvas.pages)
        self.inline([*sender, self.labels.thanks], MARGIN, y + 1.5, self.width * 0.65, "start")
        self.inline(
            [self.invoice.number, pages],
            MARGIN + self.width * 0.65,
            y + 1.5,
            self.width * 0.35,
            "end",
        )

    def inline(self, pieces: list[str], x: float, y: float, w: float, align: Align) -> None:
        """Short texts side by side with a dot between, each its own cell so each reads whole."""
        c, gap, size = self.canvas, 4.0, 8.0
        widths = [c.width_of(piece, size=size) for piece in pieces]
        total = sum(widths) + gap * (len(pieces) - 1)
        if total > w:
            scale = max(0.75, w / total)
            size, gap = size * scale, gap * scale
            widths = [width * scale for width in widths]
            total = sum(widths) + gap * (len(pieces) - 1)
        cursor = x if align == "start" else x + w - total
        for index, (piece, width) in enumerate(zip(pieces, widths, strict=True)):
            if index:
                c.dot(cursor - gap / 2, y + 2.5, 0.35, MUTED)
            c.text(cursor, y, width + 0.5, 5, piece, size=size, color=MUTED)
            cursor += width + gap
