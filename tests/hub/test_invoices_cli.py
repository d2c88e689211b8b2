"""`samia invoices list|show|pdf`: the invoices, one in detail, its PDF; unknown numbers exit 1."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.billing.invoices import Invoice, TaxRule
from domain.clock import FixedClock
from hub.cli import app as cli
from storage.uow import Database
from tests.support.databases import fresh_sqlite_copy
from tests.support.factories import make_client, make_reader, seed
from tests.support.invoices import issue, pdf_text

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass
class Ledger:
    paid: Invoice
    unpaid: Invoice
    other_reader: Invoice


@pytest.fixture
def ledger(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path) -> Ledger:
    for name in list(os.environ):
        if name.startswith("SAMIA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env; `pdf` without --out writes here
    url = fresh_sqlite_copy(sqlite_template, tmp_path / "samia.db")
    monkeypatch.setenv("SAMIA_DATABASE_URL", url)
    monkeypatch.setenv("SAMIA_VAR_DIR", str(tmp_path / "var"))

    async def seeded() -> Ledger:
        clock = FixedClock(NOW)
        database = Database.from_url(url, clock=clock)
        samia = make_reader(name="Samia Tarot", slug="samia")
        noor = make_reader(name="Noor", slug="noor", currency="AED")
        lina = make_client(email="lina@example.com")
        omar = make_client(email="omar@example.com")
        await seed(database.uows, samia, noor, lina, omar)
        try:
            paid = await issue(database.uows, clock, samia, lina, 4000, paid_at=NOW)
            clock.advance(timedelta(hours=1))
            vat = TaxRule(rate_bps=2000, inclusive=False)
            unpaid = await issue(database.uows, clock, samia, lina, 2500, "Follow-up", rule=vat)
            clock.advance(timedelta(hours=1))
            other = await issue(database.uows, clock, noor, omar, 30000)
        finally:
            await database.dispose()
        return Ledger(paid, unpaid, other)

    return asyncio.run(seeded())


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["invoices", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_the_newest_first_with_totals_and_status(ledger: Ledger) -> None:
    code, out, _ = run("list")

    assert code == 0, out
    numbers = [ledger.other_reader.number, ledger.unpaid.number, ledger.paid.number]
    assert [out.index(number) for number in numbers] == sorted(out.index(n) for n in numbers)
    assert "30.00 GBP" in out  # 25.00 and 20 % VAT on top
    assert "300.00 AED" in out
    assert "paid" in out
    assert "issued" in out


def test_list_filters_by_reader_client_and_status(ledger: Ledger) -> None:
    _, by_reader, _ = run("list", "--reader", "noor")
    _, by_client, _ = run("list", "--client-email", "LINA@example.com", "--status", "paid")
    _, nobody, _ = run("list", "--reader", "nobody")

    assert ledger.other_reader.number in by_reader
    assert ledger.paid.number not in by_reader
    assert ledger.paid.number in by_client
    assert ledger.unpaid.number not in by_client
    assert ledger.other_reader.number not in by_client
    assert nobody.strip() == "no invoices match"


def test_an_unknown_status_is_bad_usage(ledger: Ledger) -> None:
    code, _, err = run("list", "--status", "lost")

    assert code == 2
    assert "draft, issued, paid, void" in err


def test_show_prints_the_lines_tax_and_total(ledger: Ledger) -> None:
    code, out, _ = run("show", ledger.unpaid.number.lower())

    assert code == 0, out
    assert out.startswith(f"Invoice {ledger.unpaid.number} (issued)")
    assert "reader samia · client lina@example.com" in out
    assert "Follow-up" in out
    assert "subtotal 25.00 GBP · tax 5.00 GBP (20 % on top) · total 30.00 GBP" in out


def test_pdf_writes_the_invoice_to_a_file(ledger: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "out" / "lina.pdf"
    target.parent.mkdir()

    code, out, _ = run("pdf", ledger.unpaid.number, "--out", str(target))
    default_code, _, _ = run("pdf", ledger.paid.number)

    assert code == 0, out
    assert out.startswith(f"wrote {target} (")
    text = pdf_text(target.read_bytes())
    assert ledger.unpaid.number in text
    assert "£30.00" in text
    assert default_code == 0
    assert ledger.paid.number in pdf_text((tmp_path / f"{ledger.paid.number}.pdf").read_bytes())


@pytest.mark.parametrize("command", ["show", "pdf"])
def test_an_unknown_number_is_one_clear_line_and_exit_1(ledger: Ledger, command: str) -> None:
    code, out, err = run(command, "SAM-2026-999999")

    assert code == 1
    assert err.strip() == (
        "error: no invoice SAM-2026-999999: `samia invoices list` shows the numbers"
    )
    assert "Traceback" not in out + err
    assert not Path("SAM-2026-999999.pdf").exists()


def test_pdf_into_a_missing_folder_fails_with_the_reason(ledger: Ledger, tmp_path: Path) -> None:
    code, _, err = run("pdf", ledger.paid.number, "--out", str(tmp_path / "no" / "x.pdf"))

    assert code == 1
    assert err.startswith("error: cannot write ")


def test_two_readers_share_a_number_and_show_asks_which_reader(ledger: Ledger) -> None:
    async def samiras_first() -> Invoice:
        database = Database.from_url(os.environ["SAMIA_DATABASE_URL"], clock=FixedClock(NOW))
        samira = make_reader(name="Samira", slug="samira", currency="AED")  # also "SAM-"
        omar = make_client(email="omar2@example.com")
        await seed(database.uows, samira, omar)
        try:
            return await issue(database.uows, FixedClock(NOW), samira, omar, 30000)
        finally:
            await database.dispose()

    assert asyncio.run(samiras_first()).number == ledger.paid.number  # each series from 1

    code, _, err = run("show", ledger.paid.number)
    picked, out, _ = run("show", ledger.paid.number, "--reader", "samira")

    assert code == 1
    assert "2 readers have an invoice" in err
    assert "--reader" in err
    assert picked == 0, out
    assert "300.00 AED" in out
