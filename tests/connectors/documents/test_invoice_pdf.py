"""Invoice PDFs read back with pypdf: numbers, amounts per currency, Arabic in reading order."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from babel.numbers import format_currency
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from connectors.documents import PdfInvoiceRenderer
from domain.billing.invoices import REVERSE_CHARGE_NOTE, LineRequest, TaxRule, draft_invoice
from domain.enums import InvoiceKind
from domain.ports.documents import DocumentRenderer, InvoiceDocument

# 23:30 UTC on the 14th is already the 15th in Dubai, where the reader is.
ISSUED = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)
BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u2066-\u2069]")
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")


@pytest.fixture(scope="module")
def renderer() -> Iterator[PdfInvoiceRenderer]:
    renderer = PdfInvoiceRenderer()
    yield renderer
    renderer.close()


def document(
    *,
    language: str = "en",
    currency: str = "GBP",
    lines: list[tuple[str, int, int]] | None = None,
    rule: TaxRule | None = None,
    kind: InvoiceKind = InvoiceKind.INVOICE,
    **overrides: Any,
) -> InvoiceDocument:
    arabic = language == "ar"
    requests = [
        LineRequest(description, price, quantity)
        for description, price, quantity in lines
        or [
            ("جلسة قراءة التاروت" if arabic else "Tarot reading, 60 minutes", 5000, 1),
            ("متابعة عبر البريد" if arabic else "Follow-up notes by email", 2500, 2),
        ]
    ]
    credit = kind is InvoiceKind.CREDIT_NOTE
    invoice = draft_invoice(
        number="SAM-2026-000013" if credit else "SAM-2026-000012",
        kind=kind,
        reader_id=uuid4(),
        client_id=uuid4(),
        currency=currency,
        lines=requests,
        rule=rule or TaxRule(rate_bps=2000, inclusive=False),
        issued_at=ISSUED,
        credits_invoice_id=uuid4() if credit else None,
    )
    fields: dict[str, Any] = {
        "invoice": invoice,
        "reader_name": "سامية للتاروت" if arabic else "Samia Tarot",
        "client_name": "ليلى حداد" if arabic else "Layla Haddad",
        "client_email": "layla@example.com",
        "language": language,
        "timezone": "Asia/Dubai",
        "reader_email": "samia@example.com",
        "credits_number": "SAM-2026-000012" if credit else None,
    }
    return InvoiceDocument(**(fields | overrides))


def text_of(pdf: bytes) -> str:
    """What pypdf extracts, with the two characters the canvas writes on purpose made plain.

    The canvas puts a no-break space between runs and cells (pypdf would otherwise glue
    or misplace them) and a zero-width U+FEFF after Arabic runs that end in punctuation;
    both are its own markers, so they become a space and nothing. No NFKC: shaped Arabic
    must come back as the letters typed, not presentation forms (asserted separately).
    """
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return raw.replace("\u00a0", " ").replace("\ufeff", "")


def amount(minor: int, currency: str, language: str, places: int = 2) -> str:
    """babel's own writing of the amount, without its bidi marks (they are not glyphs)."""
    value = minor / 10**places
    written = format_currency(value, currency, locale=language)
    return BIDI_MARKS.sub("", written).replace("\u00a0", " ")


def test_the_renderer_is_a_document_renderer(renderer: PdfInvoiceRenderer) -> None:
    port: DocumentRenderer = renderer
    assert port.render_invoice(document()).startswith(b"%PDF-")


class TestEnglishInvoice:
    def test_shows_number_client_lines_and_totals(self, renderer: PdfInvoiceRenderer) -> None:
        text = text_of(renderer.render_invoice(document()))
        for expected in (
            "Samia Tarot",
            "samia@example.com",
            "Invoice",
            "SAM-2026-000012",
            "Billed to",
            "Layla Haddad",
            "layla@example.com",
            "Tarot reading, 60 minutes",
            "Follow-up notes by email",
            "Subtotal £100.00",
            "VAT 20% £20.00",
            "Total £120.00",
            "Plus tax: VAT is added to the prices above.",
        ):
            assert expected in text, expected

    def test_each_line_reads_description_quantity_prices(
        self, renderer: PdfInvoiceRenderer
    ) -> None:
        text = text_of(renderer.render_invoice(document()))
        assert "Follow-up notes by email 2 £25.00 £50.00 £10.00" in text

    def test_issue_date_is_the_readers_day(self, renderer: PdfInvoiceRenderer) -> None:
        assert "March 15, 2026" in text_of(renderer.render_invoice(document()))

    def test_inclusive_prices_say_tax_included(self, renderer: PdfInvoiceRenderer) -> None:
        rule = TaxRule(rate_bps=2000, inclusive=True)
        text = text_of(renderer.render_invoice(document(rule=rule, lines=[("Reading", 12000, 1)])))
        assert "Tax included" in text
        assert "Subtotal £100.00" in text
        assert "VAT 20% £20.00" in text
        assert "Total £120.00" in text

    def test_a_fractional_rate_is_written_as_such(self, renderer: PdfInvoiceRenderer) -> None:
        rule = TaxRule(rate_bps=1250, inclusive=False)
        text = text_of(renderer.render_invoice(document(rule=rule)))
        assert "VAT 12.5%" in text

    def test_unknown_languages_fall_back_to_english(self, renderer: PdfInvoiceRenderer) -> None:
        text = text_of(renderer.render_invoice(document(language="fr-CA")))
        assert "Invoice" in text
        assert "Total £120.00" in text


class TestCurrencies:
    def test_yen_has_no_decimals(self, renderer: PdfInvoiceRenderer) -> None:
        lines = [("Reading", 1200, 1)]
        rule = TaxRule(rate_bps=1000, inclusive=False)
        text = text_of(renderer.render_invoice(document(currency="JPY", lines=lines, rule=rule)))
        assert "Subtotal ¥1,200" in text
        assert "Total ¥1,320" in text
        assert "¥1,200.00" not in text

    def test_kuwaiti_dinar_has_three_decimals(self, renderer: PdfInvoiceRenderer) -> None:
        lines = [("Reading", 12345, 1)]
        rule = TaxRule(rate_bps=0)
        text = text_of(renderer.render_invoice(document(currency="KWD", lines=lines, rule=rule)))
        assert "Total KWD12.345" in text

    def test_kuwaiti_dinar_in_arabic_keeps_its_symbol_whole(
        self, renderer: PdfInvoiceRenderer
    ) -> None:
        lines = [("جلسة قراءة التاروت", 12345, 1)]
        rule = TaxRule(rate_bps=0)
        pdf = renderer.render_invoice(
            document(language="ar", currency="KWD", lines=lines, rule=rule)
        )
        total = amount(12345, "KWD", "ar", places=3)
        assert total == "12.345 د.ك."
        assert f"الإجمالي {total}" in text_of(pdf)


class TestArabicInvoice:
    def test_words_come_back_as_typed(self, renderer: PdfInvoiceRenderer) -> None:
        text = text_of(renderer.render_invoice(document(language="ar")))
        for word in (
            "سامية للتاروت",
            "فاتورة",
            "العميل",
            "ليلى حداد",
            "تاريخ الإصدار",
            "جلسة قراءة التاروت",
            "متابعة عبر البريد",
            "المجموع الفرعي",
            "الإجمالي",
        ):
            assert word in text, word
            assert word[::-1] not in text, f"{word} came back reversed"
        assert not PRESENTATION_FORMS.search(text), "shaped forms instead of letters"

    def test_totals_follow_their_labels(self, renderer: PdfInvoiceRenderer) -> None:
        text = text_of(renderer.render_invoice(document(language="ar")))
        assert f"المجموع الفرعي {amount(10000, 'GBP', 'ar')}" in text
        assert f"ضريبة القيمة المضافة 20% {amount(2000, 'GBP', 'ar')}" in text
        assert f"الإجمالي {amount(12000, 'GBP', 'ar')}" in text
        assert text.index("المجموع الفرعي") < text.index("الإجمالي")

    def test_a_row_reads_from_the_right(self, renderer: PdfInvoiceRenderer) -> None:
        text = text_of(renderer.render_invoice(document(language="ar")))
        row = f"متابعة عبر البريد 2 {amount(2500, 'GBP', 'ar')} {amount(5000, 'GBP', 'ar')}"
        assert row in text

    def test_mixed_text_keeps_logical_order(self, renderer: PdfInvoiceRenderer) -> None:
        lines = [("قراءة Celtic Cross لمدة 60 دقيقة", 5000, 1)]
        text = text_of(renderer.render_invoice(document(language="ar", lines=lines)))
        assert "قراءة Celtic Cross لمدة 60 دقيقة" in text

    def test_issue_date_is_written_in_arabic(self, renderer: PdfInvoiceRenderer) -> None:
        assert "15 مارس 2026" in text_of(renderer.render_invoice(document(language="ar")))


class TestCreditNotesAndTaxNotes:
    def test_credit_note_names_the_invoice_it_credits(self, renderer: PdfInvoiceRenderer) -> None:
        text = text_of(renderer.render_invoice(document(kind=InvoiceKind.CREDIT_NOTE)))
        assert "Credit note" in text
        assert "SAM-2026-000013" in text
        assert "Credits invoice SAM-2026-000012" in text

    def test_arabic_credit_note(self, renderer: PdfInvoiceRenderer) -> None:
        pdf = renderer.render_invoice(document(language="ar", kind=InvoiceKind.CREDIT_NOTE))
        text = text_of(pdf)
        assert "إشعار دائن" in text
        assert "الفاتورة الأصلية: SAM-2026-000012" in text

    def test_reverse_charge_carries_the_note_and_no_tax(self, renderer: PdfInvoiceRenderer) -> None:
        rule = TaxRule(rate_bps=2000, inclusive=False, reverse_charge=True)
        text = text_of(renderer.render_invoice(document(rule=rule)))
        assert REVERSE_CHARGE_NOTE in text
        assert "VAT (reverse charge) £0.00" in text
        assert "Total £100.00" in text

    def test_reverse_charge_in_arabic(self, renderer: PdfInvoiceRenderer) -> None:
        rule = TaxRule(rate_bps=2000, inclusive=False, reverse_charge=True)
        text = text_of(renderer.render_invoice(document(language="ar", rule=rule)))
        assert "احتساب عكسي: يتولى العميل احتساب الضريبة وسدادها." in text


def fills_with(pdf: bytes, rgb: tuple[int, int, int]) -> bool:
    """Whether the first page's content sets this fill colour (fpdf2 writes 4 decimals)."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert content is not None
    operator = " ".join(f"{channel / 255:.4f}" for channel in rgb) + " rg"
    return operator in content.get_data().decode("latin-1")


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (91, 42, 134)).save(out, format="PNG")
    return out.getvalue()


class TestFileAndBranding:
    def test_fonts_are_embedded_subsets(self, renderer: PdfInvoiceRenderer) -> None:
        reader = PdfReader(io.BytesIO(renderer.render_invoice(document(language="ar"))))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        assert len(fonts) == 2  # regular and bold
        for ref in fonts.values():
            font = ref.get_object()
            assert "DejaVu" in font["/BaseFont"]
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            assert "glyf" in embedded
            assert len(embedded.getGlyphOrder()) < 200  # this document's glyphs only

    def test_brand_colour_and_logo(self, renderer: PdfInvoiceRenderer) -> None:
        pdf = renderer.render_invoice(
            document(brand_primary_color="#1f77b4", logo_png=png(120, 60))
        )
        assert fills_with(pdf, (0x1F, 0x77, 0xB4))
        assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1

    def test_bad_brand_colour_and_logo_fall_back(self, renderer: PdfInvoiceRenderer) -> None:
        pdf = renderer.render_invoice(document(brand_primary_color="purple", logo_png=b"GIF89a"))
        assert fills_with(pdf, (0x5B, 0x2A, 0x86))  # the default deep purple
        assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0

    def test_same_invoice_same_bytes(self, renderer: PdfInvoiceRenderer) -> None:
        doc = document(language="ar")
        assert renderer.render_invoice(doc) == renderer.render_invoice(doc)

    def test_long_invoices_continue_on_new_pages(self, renderer: PdfInvoiceRenderer) -> None:
        lines = [(f"Reading {n}", 1000, 1) for n in range(1, 61)]
        pdf = renderer.render_invoice(document(lines=lines))
        reader = PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
        assert pages >= 2
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text()
            assert f"Page {number} of {pages}" in text
            if "Reading" in text:
                assert "Description" in text  # the column titles again
        text = text_of(pdf)
        assert "Reading 60 1 £10.00" in text
        assert "Total £720.00" in text


def test_an_arabic_name_in_an_english_line_leaves_the_date_in_order() -> None:
    from connectors.documents._canvas import _pieces
    from domain.billing.invoices import isolated

    line = f"{isolated('قراءة معمّقة')} (2026-12-05 09:00 UTC, ref 00EFD2D3)"

    pieces = [(piece.text, piece.level) for piece in _pieces(line, rtl=False)]

    assert pieces[0] == ("قراءة معمّقة", 1)
    assert pieces[-1] == ("(2026-12-05 09:00 UTC, ref 00EFD2D3)", 0)  # one left-to-right run
