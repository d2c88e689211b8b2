"""The ledger and reports over HTTP: admin JSON, CSV and statement PDFs by signed link, and
clear 4xx answers for bad parameters; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from domain.billing.payouts import run_payouts
from domain.billing.statements import Payout
from domain.clock import FixedClock
from domain.enums import ReportKind
from hub.app import create_app
from hub.payout_routes import statement_link
from hub.runtime import Runtime, build_runtime
from hub.settings import load_settings
from tests.support.factories import make_reader
from tests.support.ledger_books import open_books

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
ADMIN = {"Authorization": "Bearer admin-secret"}
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@dataclass
class Site:
    http: TestClient
    runtime: Runtime
    clock: FixedClock
    payout: Payout

    def report_link(self, kind: ReportKind, start: date | None, end: date | None) -> str:
        link = self.runtime.deps.report_link
        assert link is not None
        url = urlsplit(link(self.payout.reader_id, kind, start, end))  # Samia's
        assert f"{url.scheme}://{url.netloc}" == "https://hub.example.test"
        return f"{url.path}?{url.query}"

    def statement_link(self, payout: Payout) -> str:
        url = urlsplit(statement_link(self.runtime.links, self.clock)(payout.id))
        return f"{url.path}?{url.query}"


@pytest.fixture
def site(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    monkeypatch.setenv("SAMIA_ADMIN_TOKEN", "admin-secret")
    monkeypatch.setenv("SAMIA_SECRET_KEY", "ledger-routes-test-secret")
    monkeypatch.setenv("SAMIA_PUBLIC_URL", "https://hub.example.test/")
    monkeypatch.setenv("SAMIA_DEFAULT_CURRENCY", "GBP")
    settings = load_settings()
    clock = FixedClock(NOW)

    async def seeded() -> tuple[Runtime, Payout]:
        runtime = await build_runtime(settings, clock=clock)
        uows = runtime.database.uows
        samia = await open_books(uows, clock, make_reader(slug="samia", name="Samia Tarot"))
        noor = await open_books(
            uows,
            clock,
            make_reader(slug="noor", currency="AED", timezone="Asia/Dubai"),
            prices={"AED": 30000},
            rates={("AED", "GBP"): "0.21"},
        )
        await samia.paid()
        refunded = await samia.paid()
        await samia.refund(refunded, 1000)
        await noor.paid()
        clock.advance(timedelta(days=1))
        run = await run_payouts(uows=uows, clock=clock)
        [payout] = [p for p in run.payouts if p.reader_id == samia.reader.id]
        return runtime, payout

    runtime, payout = asyncio.run(seeded())
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield Site(http, runtime, clock, payout)
    asyncio.run(runtime.close())


def get(site: Site, path: str, query: dict[str, str] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    suffix = f"?{urlencode(query)}" if query else ""
    return site.http.get(f"/api/v1{path}{suffix}", **kwargs)  # type: ignore[arg-type]


def test_the_ledger_lists_one_readers_postings_each_balanced(site: Site) -> None:
    response = get(site, "/ledger", {"reader": "samia", **NOVEMBER}, headers=ADMIN)

    assert response.status_code == 200, response.text
    entries = response.json()
    net: defaultdict[tuple[str, str], int] = defaultdict(int)
    kinds: dict[str, str] = {}
    for entry in entries:
        net[(entry["transaction_id"], entry["currency"])] += entry["amount_minor"]
        kinds[entry["transaction_id"]] = entry["kind"]
    assert set(net.values()) == {0}
    assert sorted(kinds.values()) == ["payment", "payment", "payout", "refund"]
    assert {entry["currency"] for entry in entries} == {"GBP"}  # none of Noor's
    payout_legs = [e for e in entries if e["kind"] == "payout"]
    assert {e["payout_id"] for e in payout_legs} == {str(site.payout.id)}


def test_profit_and_loss_for_a_period_in_the_readers_currency(site: Site) -> None:
    response = get(site, "/reports/pnl", {"reader": "samia", **NOVEMBER}, headers=ADMIN)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["reader"], body["currency"], body["from"], body["to"]) == (
        "samia",
        "GBP",
        "2026-11-01",
        "2026-11-30",
    )
    assert (body["revenue_minor"], body["refunds_minor"], body["platform_fees_minor"]) == (
        12000,
        1000,
        3300,
    )
    assert body["earnings_minor"] == body["net_minor"] == site.payout.statement.net_minor


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"reader": "samia", "from": "2026-11-30", "to": "2026-11-01"}, 400, "after it ends"),
        ({"reader": "samia", "from": "30/11/2026"}, 400, "from"),
        ({"reader": "nobody", **NOVEMBER}, 404, "no reader nobody"),
        (NOVEMBER, 400, "reader"),
        ({"reader": "samia", "from": "2010-01-01", "to": "2026-11-30"}, 400, "five years"),
    ],
)
@pytest.mark.parametrize("path", ["/ledger", "/reports/pnl"])
def test_bad_parameters_get_a_clear_answer(
    site: Site, path: str, query: dict[str, str], status: int, says: str
) -> None:
    response = get(site, path, query, headers=ADMIN)

    assert response.status_code == status
    assert says in response.text


@pytest.mark.parametrize("path", ["/ledger", "/reports/pnl", "/payouts"])
def test_without_the_admin_token_nothing_is_shown(site: Site, path: str) -> None:
    anonymous = get(site, path, {"reader": "samia"})
    wrong = get(site, path, {"reader": "samia"}, headers={"Authorization": "Bearer guess"})

    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert "GBP" not in anonymous.text + wrong.text


def test_a_report_csv_opens_by_its_signed_link_and_for_no_other_reader(site: Site) -> None:
    link = site.report_link(ReportKind.PNL, date(2026, 11, 1), date(2026, 11, 30))
    query = parse_qs(urlsplit(link).query)
    other = dict(query) | {"reader": ["noor"]}
    stretched = dict(query) | {"to": ["2026-12-31"]}

    opened = site.http.get(link)
    for_noor = site.http.get(f"{urlsplit(link).path}?{urlencode(other, doseq=True)}")
    longer = site.http.get(f"{urlsplit(link).path}?{urlencode(stretched, doseq=True)}")

    assert opened.status_code == 200, opened.text
    assert opened.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(opened.text)))
    assert (row["currency"], row["revenue"], row["refunds"], row["net"]) == (
        "GBP",
        "120.00",
        "10.00",
        "77.00",
    )
    assert (for_noor.status_code, longer.status_code) == (403, 403)


def test_an_expired_report_link_says_so(site: Site) -> None:
    link = site.report_link(ReportKind.OUTSTANDING, None, None)
    site.clock.advance(timedelta(days=8))

    assert site.http.get(link).status_code == 410


def test_the_admin_downloads_any_report_csv(site: Site) -> None:
    response = get(
        site,
        "/reports/tax.csv",
        {"reader": "noor", "from": "2026-10-01", "to": "2026-12-31"},
        headers=ADMIN,
    )

    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["currency"], r["net"]) for r in rows] == [("AED", "300.00")]


def test_the_payout_statement_pdf_opens_by_its_link_and_lists_the_figures(site: Site) -> None:
    link = site.statement_link(site.payout)
    forged = link.replace(str(site.payout.id), "00000000-0000-4000-8000-000000000000")

    response = site.http.get(link)
    listed = get(site, "/payouts", {"reader": "samia"}, headers=ADMIN)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text().replace("\xa0", " ")
    assert "Net paid to you £77.00" in text
    assert "Refunds and disputes -£10.00" in text
    assert site.http.get(forged).status_code == 403
    assert [p["net_minor"] for p in listed.json()] == [7700]
