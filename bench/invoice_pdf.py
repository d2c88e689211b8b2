"""Invoice PDF render time: N invoices and credit notes, English and Arabic, 1-12 lines each.

One renderer is reused across renders, as the hub keeps one; the first render (which cuts
the fonts) is reported on its own. Prints p50/p99/max per render and the file sizes, for
both languages together and each alone. Offline, single thread (the renderer is CPU-bound).

    .venv/bin/python bench/invoice_pdf.py [--n 300] [--seed 10]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from connectors.documents import PdfInvoiceRenderer
from domain.billing.invoices import LineRequest, TaxRule, draft_invoice
from domain.enums import InvoiceKind
from domain.ports.documents import InvoiceDocument

DESCRIPTIONS = {
    "en": [
        "Tarot reading, 30 minutes",
        "Celtic Cross spread with a written summary of every card and follow-up questions",
        "Love and relationships reading",
        "Year-ahead spread (12 cards)",
        "Follow-up notes by email",
    ],
    "ar": [
        "جلسة قراءة التاروت لمدة 30 دقيقة",
        "قراءة Celtic Cross مع ملخص مكتوب لكل بطاقة وأسئلة المتابعة",
        "قراءة الحب والعلاقات",
        "قراءة العام القادم (12 بطاقة)",
        "ملاحظات المتابعة عبر البريد الإلكتروني",
    ],
}
CURRENCIES = ("GBP", "EUR", "USD", "JPY", "KWD", "AED", "SAR")
RULES = (
    TaxRule(rate_bps=2000, inclusive=True),
    TaxRule(rate_bps=500, inclusive=False),
    TaxRule(rate_bps=1500, inclusive=False),
    TaxRule(rate_bps=2000, inclusive=False, reverse_charge=True),
    TaxRule(rate_bps=0),
)


def logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (240, 120), (91, 42, 134)).save(out, format="PNG")
    return out.getvalue()


def make_document(rng: random.Random, index: int, png: bytes) -> InvoiceDocument:
    language = rng.choice(("en", "ar"))
    credit = rng.random() < 0.2
    lines = [
        LineRequest(
            rng.choice(DESCRIPTIONS[language]), rng.randrange(500, 30000), rng.randint(1, 3)
        )
        for _ in range(rng.randint(1, 12))
    ]
    invoice = draft_invoice(
        number=f"SAM-2026-{index:06d}",
        kind=InvoiceKind.CREDIT_NOTE if credit else InvoiceKind.INVOICE,
        reader_id=uuid4(),
        client_id=uuid4(),
        currency=rng.choice(CURRENCIES),
        lines=lines,
        rule=rng.choice(RULES),
        issued_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=index),
        credits_invoice_id=uuid4() if credit else None,
    )
    arabic = language == "ar"
    return InvoiceDocument(
        invoice=invoice,
        reader_name="سامية للتاروت" if arabic else "Samia Tarot",
        client_name="ليلى حداد" if arabic else "Layla Haddad",
        client_email="layla@example.com",
        language=language,
        timezone=rng.choice(("Europe/London", "Asia/Dubai", "America/New_York")),
        reader_email="samia@example.com",
        brand_primary_color=rng.choice((None, "#5b2a86", "#1f6f5c")),
        logo_png=png if rng.random() < 0.5 else None,
        credits_number="SAM-2026-000001" if credit else None,
    )


def figures(label: str, times: list[float], sizes: list[int]) -> str:
    ms = [t * 1000 for t in times]
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    return (
        f"{label}: {len(ms)} renders, p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(ms):.1f} ms (target p99 < 150 ms); "
        f"size median {statistics.median(sizes) / 1024:.1f} KiB, max {max(sizes) / 1024:.1f} KiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    rng, png = random.Random(args.seed), logo()
    documents = [make_document(rng, index, png) for index in range(1, args.n + 1)]

    started = time.perf_counter()
    renderer = PdfInvoiceRenderer()
    renderer.render_invoice(documents[0])
    print(f"first render (cuts the fonts once per process): {time.perf_counter() - started:.2f} s")

    results: dict[str, tuple[list[float], list[int]]] = {"en": ([], []), "ar": ([], [])}
    for document in documents:
        began = time.perf_counter()
        pdf = renderer.render_invoice(document)
        times, sizes = results[document.language]
        times.append(time.perf_counter() - began)
        sizes.append(len(pdf))
    renderer.close()

    every = [t for times, _ in results.values() for t in times]
    all_sizes = [s for _, sizes in results.values() for s in sizes]
    print(figures("all", every, all_sizes))
    for language, (times, sizes) in results.items():
        if times:
            print(figures(f"  {language}", times, sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
