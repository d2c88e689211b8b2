"""Payout statement PDFs read back with pypdf: the period's figures, English and Arabic."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from pypdf import PdfReader

from connectors.documents import PdfStatementRenderer
from domain.billing.statements import Payout, PayoutStatement
from domain.enums import PayoutStatus
from domain.ports.statements import StatementDocument, StatementRenderer

PAID = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)  # already 1 December in Dubai
PAYOUT_ID = UUID("628dbb10-0000-4000-8000-000000000001")


@pytest.fixture(scope="module")
def renderer() -> Iterator[PdfStatementRenderer]:
    renderer = PdfStatementRenderer()
    yield renderer
    renderer.close()


def document(*, language: str = "en", currency: str = "GBP", **figures: Any) -> StatementDocument:
    values = {
        "sessions": 12,
        "gross_minor": 72000,
        "refunds_minor": 6000,
        "tax_minor": 12000,
        "platform_fee_minor": 16200,
        "net_minor": 37800,
    } | figures
    statement = PayoutStatement(
        reader_id=UUID(int=1),
        currency=currency,
        period_start=date(2026, 11, 23),
        period_end=date(2026, 11, 29),
        legs=40,
        **values,
    )
    payout = Payout(PAYOUT_ID, statement, UUID(int=2), PayoutStatus.BOOKED, PAID, PAID)
    name = "سامية للتاروت" if language == "ar" else "Samia Tarot"
    return StatementDocument(payout, name, language, "Asia/Dubai", "samia@example.com")


def text_of(pdf: bytes) -> str:
    """pypdf's text, the canvas's own no-break spaces and U+FEFF anchors made plain."""
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return raw.replace("\u00a0", " ").replace("\ufeff", "")


def test_the_renderer_is_a_statement_renderer(renderer: PdfStatementRenderer) -> None:
    port: StatementRenderer = renderer
    assert port.render_statement(document()).startswith(b"%PDF-")


def test_an_english_statement_reads_its_figures_down_to_the_net(
    renderer: PdfStatementRenderer,
) -> None:
    text = text_of(renderer.render_statement(document()))

    for line in (
        "Payout statement",
        "November 23, 2026 to November 29, 2026",
        "Paid sessions 12",
        "Gross takings £720.00",
        "Refunds and disputes -£60.00",
        "Tax set aside -£120.00",
        "Platform fee -£162.00",
        "Net paid to you £378.00",
        "Statement 628DBB10",
    ):
        assert line in text
    assert "December 1, 2026" in text  # paid on the reader's own calendar


def test_a_negative_fee_after_refunds_reads_as_money_given_back(
    renderer: PdfStatementRenderer,
) -> None:
    text = text_of(
        renderer.render_statement(
            document(
                gross_minor=1000,
                refunds_minor=6000,
                tax_minor=0,
                platform_fee_minor=-1500,
                net_minor=-3500,
            )
        )
    )

    assert "Platform fee £15.00" in text
    assert "Net paid to you -£35.00" in text


def test_yen_statements_have_no_decimals(renderer: PdfStatementRenderer) -> None:
    text = text_of(
        renderer.render_statement(
            document(
                currency="JPY",
                gross_minor=9000,
                refunds_minor=0,
                tax_minor=0,
                platform_fee_minor=1800,
                net_minor=7200,
            )
        )
    )

    assert "Net paid to you ¥7,200" in text


def test_an_arabic_statement_reads_right_to_left_in_logical_order(
    renderer: PdfStatementRenderer,
) -> None:
    text = text_of(renderer.render_statement(document(language="ar")))

    for line in (
        "كشف الدفعة",
        "من 23 نوفمبر 2026 إلى 29 نوفمبر 2026",
        "الجلسات المدفوعة 12",
        "إجمالي المقبوضات 720.00 UK£",
        "الصافي المدفوع لك 378.00 UK£",
        "سامية للتاروت",
        "1 ديسمبر 2026",
    ):
        assert line in text
