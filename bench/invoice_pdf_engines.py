r"""Invoice PDF engines side by side: the project's fpdf2 renderer against WeasyPrint (issue #10).

Both render the same one-page invoice, in English and in Arabic (right to left), with the
fonts the project embeds (matplotlib's DejaVu Sans, regular and bold): fpdf2 through
`PdfInvoiceRenderer`, WeasyPrint from an equivalent HTML+CSS page built from the same
document with the same labels, amounts and colours (`@font-face` on the same TTF files,
`dir="rtl"` for Arabic). Each engine keeps one renderer (fonts and stylesheet loaded once),
as the hub does. For each engine and language it prints the first (cold) render, p50/p99
wall-clock ms and p50 CPU ms over N renders after a warm-up, the PDF size, the fonts
embedded (pypdf: font names and whether each carries a /FontFile2) and how many expected
phrases pypdf's `extract_text` gives back in logical order: phrases in one script
("words") and phrases where Arabic meets digits or symbols ("mixed": date, tax rate,
total, page number). Renders are interleaved (engine and language
order alternate every round), so load from other processes on the machine hits both
engines alike. `--out DIR` also writes the four PDFs.

WeasyPrint is not a project dependency. To measure it, use a throwaway venv outside the
repo with WeasyPrint plus what `connectors.documents` imports, at the locked versions
(matplotlib only for its DejaVu files; WeasyPrint uses the OS's Pango, HarfBuzz and
fontconfig). From the repo root:

    python3 -m venv /tmp/wpvenv
    grep -iE '^(fpdf2|uharfbuzz|fonttools|babel|matplotlib|pillow|pypdf)==' requirements.lock \
        | xargs /tmp/wpvenv/bin/pip install weasyprint
    /tmp/wpvenv/bin/python bench/invoice_pdf_engines.py [--n 100] [--warmup 5] [--out DIR]

With the project's venv (`.venv/bin/python bench/invoice_pdf_engines.py`, as `make bench`
runs it) WeasyPrint is missing: the script says so and measures the project renderer only.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader

from bench.invoice_pdf import DESCRIPTIONS, logo
from connectors.documents import PdfInvoiceRenderer
from connectors.documents._fonts import _FILES, _mpl_font_dir
from connectors.documents._labels import LABELS, issue_date, money, quantity, rate
from connectors.documents._layout import HAIRLINE, INK, MUTED
from connectors.documents.invoice_pdf import brand_of
from domain.billing.invoices import LineRequest, TaxRule, draft_invoice
from domain.enums import InvoiceKind
from domain.ports.documents import InvoiceDocument

Render = Callable[[InvoiceDocument], bytes]
FAMILY = "Samia DejaVu"
# Phrases in one script that pypdf must give back whole, words in reading order.
WORDS = {
    "en": ("Invoice", "Layla Haddad", "Love and relationships reading", "Subtotal", "Thank you."),
    "ar": (
        "فاتورة",
        "ليلى حداد",
        "قراءة الحب والعلاقات",
        "المجموع الفرعي",
        "الإجمالي",
        "سامية للتاروت",
        "شكرًا لكم.",
    ),
}
# Invisible marks either engine may emit around runs; spaces of every width read as one.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200e\u200f\u061c\u2066\u2067\u2068\u2069"))
_SPACE = re.compile(r"[\s\u00a0\u202f]+")


def document(language: str, png: bytes) -> InvoiceDocument:
    """The invoice both engines draw: five lines, a logo, VAT, in one language."""
    arabic = language == "ar"
    invoice = draft_invoice(
        number="SAM-2026-000042",
        kind=InvoiceKind.INVOICE,
        reader_id=UUID(int=1),
        client_id=UUID(int=2),
        currency="SAR" if arabic else "GBP",
        lines=[
            LineRequest(text, 4500 + 2750 * index, 1 + index % 3)
            for index, text in enumerate(DESCRIPTIONS[language])
        ],
        rule=TaxRule(rate_bps=1500, inclusive=False) if arabic else TaxRule(rate_bps=2000),
        issued_at=datetime(2026, 3, 14, 15, 30, tzinfo=UTC),
    )
    return InvoiceDocument(
        invoice=invoice,
        reader_name="سامية للتاروت" if arabic else "Samia Tarot",
        client_name="ليلى حداد" if arabic else "Layla Haddad",
        client_email="layla@example.com",
        language=language,
        timezone="Asia/Dubai" if arabic else "Europe/London",
        reader_email="samia@example.com",
        logo_png=png,
    )


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


STYLE = """
@font-face {{ font-family: "{family}"; font-weight: normal; src: url("{regular}"); }}
@font-face {{ font-family: "{family}"; font-weight: bold; src: url("{bold}"); }}
@page {{ size: A4; margin: 18mm 18mm 26mm 18mm; }}
html {{ font-family: "{family}"; color: {ink}; font-size: 9.5pt; }}
body {{ margin: 0; }}
table {{ width: 100%; border-collapse: collapse; }}
td, th {{ padding: 0; vertical-align: top; text-align: start; }}
.end {{ text-align: end; }}
.muted {{ color: {muted}; }}
header td.logo {{ width: 44mm; }}
header img {{ height: 16mm; }}
.brand {{ font-size: 20pt; font-weight: bold; line-height: 1.2; }}
.title {{ font-size: 18pt; font-weight: bold; line-height: 1.2; }}
.small {{ font-size: 9pt; }}
.number {{ font-size: 10pt; }}
.rule {{ border-bottom: 0.8mm solid; margin: 3mm 0 7mm; }}
.label {{ font-size: 8pt; color: {muted}; }}
.client {{ font-size: 10.5pt; font-weight: bold; }}
.lines {{ margin-top: 8mm; }}
.lines th {{ font-size: 8.5pt; font-weight: bold; padding: 2.2mm 2mm; }}
.lines td {{ padding: 1.2mm 2mm; border-bottom: 0.2mm solid {hairline}; }}
.lines .num {{ width: 24mm; text-align: end; white-space: nowrap; }}
.lines .qty {{ width: 10mm; text-align: end; }}
.totals {{ width: 84mm; margin-inline-start: auto; margin-top: 3mm; }}
.totals td {{ padding: 1.5mm 2mm; }}
.totals tr.total td {{ font-size: 11.5pt; font-weight: bold; border-top: 0.5mm solid; }}
.notes {{ margin-top: 10mm; font-size: 9pt; }}
"""


def page_css(document: InvoiceDocument, labels: Any) -> str:
    """The footer as margin boxes: sender and thanks at the start, number and page at the end."""
    rtl = document.language == "ar"
    start, end = ("bottom-right", "bottom-left") if rtl else ("bottom-left", "bottom-right")
    dot = " \u2022 "
    sender = dot.join(p for p in (document.reader_name, document.reader_email, labels.thanks) if p)
    before, after = labels.page.split("{page}")
    between, tail = after.split("{pages}")
    pages = (
        f"{_css_string(document.invoice.number + dot + before)} counter(page) "
        f"{_css_string(between)} counter(pages) {_css_string(tail)}"
    )
    box = (
        f"font-family: {_css_string(FAMILY)}; font-size: 8pt; color: {_hex(MUTED)}; "
        f"direction: {'rtl' if rtl else 'ltr'}; vertical-align: top; "
        f"border-top: 0.2mm solid {_hex(HAIRLINE)}; padding-top: 1.5mm; margin-top: 2mm"
    )
    return (
        f"@page {{ @{start} {{ content: {_css_string(sender)}; width: 65%; {box}; }}"
        f" @{end} {{ content: {pages}; width: 35%; text-align: end; {box}; }} }}"
    )


def page_html(document: InvoiceDocument) -> str:
    """The invoice as HTML, with the project's labels, amounts, dates and brand colours."""
    language, invoice, brand = document.language, document.invoice, brand_of(document)
    labels, e = LABELS[language], html.escape
    primary, on_primary = _hex(brand.primary), _hex(brand.on_primary)

    def amount(minor: int) -> str:
        return e(money(minor, invoice.currency, language))

    rule = invoice.rule
    tax_label = (
        labels.tax_reverse_charge
        if rule.reverse_charge
        else labels.tax_rate.format(rate=rate(rule.rate_bps, language))
    )
    note = labels.prices_include_tax if rule.inclusive else labels.prices_plus_tax
    logo_cell = ""
    if brand.logo:
        data = base64.b64encode(brand.logo).decode()
        logo_cell = f'<td class="logo"><img src="data:image/png;base64,{data}"></td>'
    rows = "".join(
        f"<tr><td>{e(line.description)}</td>"
        f'<td class="qty">{e(quantity(line.quantity, language))}</td>'
        f'<td class="num">{amount(line.unit_price_minor)}</td>'
        f'<td class="num">{amount(line.net_minor)}</td>'
        f'<td class="num">{amount(line.tax_minor)}</td></tr>'
        for line in invoice.lines
    )
    heads = "".join(
        f'<th class="{cls}">{e(getattr(labels, key))}</th>'
        for key, cls in (
            ("description", ""),
            ("quantity", "qty"),
            ("unit_price", "num"),
            ("net", "num"),
            ("tax", "num"),
        )
    )
    date = issue_date(invoice.issued_at, document.timezone, language)
    return f"""<!doctype html>
<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"><head><meta charset="utf-8">
<title>{e(labels.invoice)} {e(invoice.number)}</title>
<meta name="author" content="{e(document.reader_name)}">
<style>{page_css(document, labels)}</style></head><body>
<header><table><tr>{logo_cell}
<td><div class="brand" style="color: {primary}">{e(document.reader_name)}</div>
<div class="small muted">{e(document.reader_email or "")}</div></td>
<td class="end"><div class="title">{e(labels.invoice)}</div>
<div class="number">{e(invoice.number)}</div></td></tr></table></header>
<div class="rule" style="border-color: {_hex(brand.accent)}"></div>
<table><tr><td><div class="label">{e(labels.billed_to)}</div>
<div class="client">{e(document.client_name or "")}</div>
<div>{e(document.client_email or "")}</div></td>
<td class="end"><div class="label">{e(labels.issued)}</div>
<div class="number">{e(date)}</div></td></tr></table>
<table class="lines"><thead><tr style="background: {primary}; color: {on_primary}">{heads}</tr>
</thead><tbody>{rows}</tbody></table>
<table class="totals">
<tr><td class="muted">{e(labels.subtotal)}</td>
<td class="end">{amount(invoice.subtotal.amount_minor)}</td></tr>
<tr><td class="muted">{e(tax_label)}</td>
<td class="end">{amount(invoice.tax.amount_minor)}</td></tr>
<tr class="total" style="color: {primary}; border-color: {primary}"><td>{e(labels.total)}</td>
<td class="end">{amount(invoice.total.amount_minor)}</td></tr></table>
<p class="notes">{e(note) if rule.rate_bps and not rule.reverse_charge else ""}</p>
</body></html>"""


def weasyprint_renderer() -> tuple[Render | None, str]:
    """A WeasyPrint render function with fonts and stylesheet loaded once, or why there is none."""
    try:
        import weasyprint
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as error:  # OSError: Pango or HarfBuzz missing from the OS
        return None, f"{type(error).__name__}: {error}"
    fonts = _mpl_font_dir()
    font_config = FontConfiguration()
    style = STYLE.format(
        family=FAMILY,
        regular=(fonts / _FILES[""]).as_uri(),
        bold=(fonts / _FILES["B"]).as_uri(),
        ink=_hex(INK),
        muted=_hex(MUTED),
        hairline=_hex(HAIRLINE),
    )
    stylesheet = CSS(string=style, font_config=font_config)

    def render(document: InvoiceDocument) -> bytes:
        pdf = HTML(string=page_html(document)).write_pdf(
            stylesheets=[stylesheet], font_config=font_config
        )
        return bytes(pdf)

    return render, f"WeasyPrint {weasyprint.__version__}"


def embedded_fonts(pdf: PdfReader) -> str:
    """Each font the pages use, by name without the subset tag, with the font file it carries."""
    found: dict[str, str] = {}
    for page in pdf.pages:
        resources: Any = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "?")).lstrip("/").split("+")[-1]
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0].get_object()
            reference = described.get("/FontDescriptor")
            descriptor: Any = {} if reference is None else reference.get_object()
            files = [key for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor]
            found[name] = files[0].lstrip("/") if files else "NOT embedded"
    return ", ".join(f"{name} ({inside})" for name, inside in found.items())


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_INVISIBLE)).strip()


def mixed(document: InvoiceDocument) -> tuple[str, ...]:
    """Phrases where words meet digits, symbols or Latin: the date, tax rate, total, page."""
    invoice, language = document.invoice, document.language
    labels = LABELS[language]
    total = money(invoice.total.amount_minor, invoice.currency, language)
    return tuple(
        _clean(text)
        for text in (
            issue_date(invoice.issued_at, document.timezone, language),
            labels.tax_rate.format(rate=rate(invoice.rule.rate_bps, language)),
            f"{labels.total} {total}",
            labels.page.format(page=1, pages=1),
        )
    )


def extraction(pdf: PdfReader, phrases: tuple[str, ...]) -> tuple[str, list[str]]:
    """How many phrases pypdf gives back in logical order ("3/4"), and the ones it does not."""
    text = _clean(" ".join(page.extract_text() or "" for page in pdf.pages))
    missing = [phrase for phrase in phrases if phrase not in text]
    return f"{len(phrases) - len(missing)}/{len(phrases)}", missing


def p99(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100, help="timed renders per engine and language")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--out", type=Path, help="write the four PDFs here")
    args = parser.parse_args()
    png = logo()
    documents = {language: document(language, png) for language in ("en", "ar")}

    engines: dict[str, Render] = {}
    cold: dict[str, float] = {}
    started = time.perf_counter()
    fpdf = PdfInvoiceRenderer()
    fpdf.render_invoice(documents["en"])
    cold["fpdf2"] = time.perf_counter() - started
    engines["fpdf2"] = fpdf.render_invoice
    started = time.perf_counter()
    weasy, about = weasyprint_renderer()
    if weasy is None:
        print(f"weasyprint not importable ({about}): measuring the project renderer only")
    else:
        weasy(documents["en"])
        cold["weasyprint"] = time.perf_counter() - started
        engines["weasyprint"] = weasy
        print(f"{about}, fpdf2 through connectors.documents.PdfInvoiceRenderer")

    outputs: dict[tuple[str, str], bytes] = {}
    for _ in range(args.warmup):
        for name, render in engines.items():
            for language, doc in documents.items():
                outputs[name, language] = render(doc)
    times: dict[tuple[str, str], list[float]] = {key: [] for key in outputs}
    cpu: dict[tuple[str, str], list[float]] = {key: [] for key in outputs}
    names, languages = list(engines), list(documents)
    for round_ in range(args.n):
        # Alternate which engine and which language goes first, so load spreads evenly.
        for name in names if round_ % 2 == 0 else names[::-1]:
            for language in languages if round_ % 4 < 2 else languages[::-1]:
                began, began_cpu = time.perf_counter(), time.process_time()
                engines[name](documents[language])
                times[name, language].append((time.perf_counter() - began) * 1000)
                cpu[name, language].append((time.process_time() - began_cpu) * 1000)

    print(f"{args.n} timed renders each after {args.warmup} warm-up, interleaved")
    for name in names:
        print(f"{name}: first render (fonts loaded) {cold[name] * 1000:.0f} ms")
    print("text: phrases pypdf extracts in logical order, in one script / mixed with digits")
    columns = ("p50 ms", "p99 ms", "cpu p50", "KiB")
    print(f"{'engine':<11}{'lang':<5}{''.join(f'{c:>8}' for c in columns)}  words mixed  fonts")
    for (name, language), ms in times.items():
        pdf = outputs[name, language]
        reader = PdfReader(io.BytesIO(pdf))
        words, missing = extraction(reader, WORDS[language])
        numbers, wrong = extraction(reader, mixed(documents[language]))
        print(
            f"{name:<11}{language:<5}{statistics.median(ms):8.1f}{p99(ms):8.1f}"
            f"{statistics.median(cpu[name, language]):8.1f}{len(pdf) / 1024:8.1f}"
            f"  {words:<5} {numbers:<5}  {embedded_fonts(reader)}"
        )
        if missing or wrong:
            print(f"{'':16}not extracted in order: {' | '.join(missing + wrong)}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"invoice-{name}-{language}.pdf").write_bytes(pdf)
    fpdf.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
