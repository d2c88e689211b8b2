"""`GET /api/v1/invoices` for the admin, and each invoice's PDF for the admin or a signed link."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from domain.billing.invoices import Invoice, TaxRule
from domain.clock import FixedClock
from hub.app import create_app
from hub.invoice_routes import invoice_pdf_path
from hub.runtime import Runtime, build_runtime
from hub.settings import load_settings
from tests.support.factories import make_client, make_reader, seed
from tests.support.invoices import issue, pdf_text

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ADMIN = {"Authorization": "Bearer admin-secret"}


@dataclass
class Books:
    http: TestClient
    runtime: Runtime
    clock: FixedClock
    lina_paid: Invoice  # Samia's, paid
    lina_open: Invoice  # Samia's, unpaid, with VAT on top
    omar_open: Invoice  # Noor's, unpaid

    def link(self, invoice: Invoice) -> str:
        """The signed link chat sends, as a path and query the test client can open."""
        assert self.runtime.deps.invoice_link is not None
        url = urlsplit(self.runtime.deps.invoice_link(invoice.id))
        assert f"{url.scheme}://{url.netloc}" == "https://hub.example.test"
        return f"{url.path}?{url.query}"


@pytest.fixture
def books(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Books]:
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    monkeypatch.setenv("SAMIA_ADMIN_TOKEN", "admin-secret")
    monkeypatch.setenv("SAMIA_SECRET_KEY", "invoice-routes-test-secret")
    monkeypatch.setenv("SAMIA_PUBLIC_URL", "https://hub.example.test/")
    settings = load_settings()
    clock = FixedClock(NOW)

    async def seeded() -> tuple[Runtime, Invoice, Invoice, Invoice]:
        runtime = await build_runtime(settings, clock=clock)
        samia = make_reader(name="Samia Tarot", slug="samia")
        noor = make_reader(name="Noor", slug="noor", currency="AED", timezone="Asia/Dubai")
        lina = make_client(name="Lina", email="lina@example.com")
        omar = make_client(name="Omar", email="omar@example.com", language="ar")
        await seed(runtime.database.uows, samia, noor, lina, omar)
        uows = runtime.database.uows
        paid = await issue(uows, clock, samia, lina, 4000, paid_at=NOW)
        clock.advance(timedelta(minutes=1))
        vat = TaxRule(rate_bps=2000, inclusive=False)
        unpaid = await issue(uows, clock, samia, lina, 2500, "Follow-up questions", rule=vat)
        clock.advance(timedelta(minutes=1))
        other = await issue(uows, clock, noor, omar, 30000, "قراءة التاروت")
        return runtime, paid, unpaid, other

    runtime, paid, unpaid, other = asyncio.run(seeded())
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield Books(http, runtime, clock, paid, unpaid, other)
    asyncio.run(runtime.close())


def listed(books: Books, query: str = "") -> list[dict]:  # type: ignore[type-arg]
    response = books.http.get(f"/api/v1/invoices{query}", headers=ADMIN)
    assert response.status_code == 200, response.text
    found: list[dict] = response.json()  # type: ignore[type-arg]
    return found


def test_admin_lists_every_invoice_newest_first_with_its_totals(books: Books) -> None:
    found = listed(books)

    assert [row["number"] for row in found] == [
        books.omar_open.number,
        books.lina_open.number,
        books.lina_paid.number,
    ]
    vat_row = found[1]
    assert vat_row == {
        "id": str(books.lina_open.id),
        "number": books.lina_open.number,
        "kind": "invoice",
        "reader": "samia",
        "client_email": "lina@example.com",
        "currency": "GBP",
        "subtotal_minor": 2500,
        "tax_minor": 500,
        "total_minor": 3000,
        "status": "issued",
        "issued_at": "2026-11-26T09:01:00Z",
        "pdf_url": f"https://hub.example.test/api/v1/invoices/{books.lina_open.id}.pdf",
    }


def test_admin_filters_by_reader_client_and_status(books: Books) -> None:
    def numbers(query: str) -> list[str]:
        return [row["number"] for row in listed(books, query)]

    assert numbers("?reader=noor") == [books.omar_open.number]
    assert numbers("?client_email=LINA@example.com") == [
        books.lina_open.number,
        books.lina_paid.number,
    ]
    assert numbers("?status=paid") == [books.lina_paid.number]
    assert numbers("?reader=samia&status=issued") == [books.lina_open.number]
    assert numbers("?reader=samia&client_email=omar@example.com") == []
    assert numbers("?reader=nobody") == []
    assert numbers("?client_email=nobody@example.com") == []


def test_the_list_is_for_the_admin_only_and_refuses_a_bad_status(books: Books) -> None:
    assert books.http.get("/api/v1/invoices").status_code == 401
    wrong = books.http.get("/api/v1/invoices", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    bad = books.http.get("/api/v1/invoices?status=lost", headers=ADMIN)
    assert bad.status_code == 400
    assert "status" in bad.text


def test_admin_downloads_the_pdf_named_by_its_number(books: Books) -> None:
    response = books.http.get(invoice_pdf_path(books.lina_open.id), headers=ADMIN)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition == f'inline; filename="{books.lina_open.number}.pdf"'
    assert response.headers["cache-control"] == "private, no-store"
    text = pdf_text(response.content)
    assert books.lina_open.number in text
    assert "Samia Tarot" in text
    assert "£30.00" in text  # 25.00 + 20 % VAT on top


def test_a_signed_link_opens_its_invoice_without_signing_in(books: Books) -> None:
    response = books.http.get(books.link(books.omar_open))
    head = books.http.head(books.link(books.omar_open))  # a platform checking the type first

    assert response.status_code == 200
    assert (head.status_code, head.headers["content-type"]) == (200, "application/pdf")
    text = pdf_text(response.content)
    assert books.omar_open.number in text
    assert "فاتورة" in text  # Omar reads Arabic: his invoice is in Arabic


def test_a_link_with_a_forged_or_missing_signature_opens_nothing(books: Books) -> None:
    path = invoice_pdf_path(books.lina_paid.id)
    exp = int((NOW + timedelta(days=1)).timestamp())
    query = parse_qs(urlsplit(books.link(books.lina_paid)).query)
    real_sig = query["sig"][0]

    forged = books.http.get(f"{path}?exp={exp}&sig={'0' * 64}")
    moved = books.http.get(f"{path}?exp={int(query['exp'][0]) + 86400}&sig={real_sig}")
    half = books.http.get(f"{path}?sig={real_sig}")
    bare = books.http.get(path)

    assert forged.status_code == 403
    assert "not valid for this invoice" in forged.text
    assert moved.status_code == 403  # a later expiry is not what was signed
    assert half.status_code == 403
    assert bare.status_code == 401


def test_an_expired_link_is_refused_with_how_to_get_a_new_one(books: Books) -> None:
    link = books.link(books.lina_paid)
    books.clock.advance(timedelta(days=7, seconds=1))

    response = books.http.get(link)

    assert response.status_code == 410
    assert "expired" in response.text
    assert books.http.get(invoice_pdf_path(books.lina_paid.id), headers=ADMIN).status_code == 200


def test_a_clients_link_cannot_open_another_invoice(books: Books) -> None:
    own = urlsplit(books.link(books.lina_paid))
    someone_elses = invoice_pdf_path(books.omar_open.id)

    response = books.http.get(f"{someone_elses}?{own.query}")

    assert response.status_code == 403
    assert books.http.get(f"{own.path}?{own.query}").status_code == 200


def test_an_unknown_or_malformed_invoice_id_is_not_found(books: Books) -> None:
    assert books.http.get(invoice_pdf_path(uuid4()), headers=ADMIN).status_code == 404
    assert books.http.get("/api/v1/invoices/not-an-id.pdf", headers=ADMIN).status_code == 404
    assert books.http.get("/api/v1/invoices/not-an-id.pdf").status_code == 404


def test_the_api_docs_describe_both_routes(books: Books) -> None:
    paths = books.http.get("/openapi.json").json()["paths"]

    assert set(paths["/api/v1/invoices"]) == {"get"}
    pdf = paths["/api/v1/invoices/{invoice_id}.pdf"]
    assert set(pdf) == {"get"}
    assert "application/pdf" in pdf["get"]["responses"]["200"]["content"]
