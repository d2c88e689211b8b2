"""A web chat client pays for a reading, asks for 'my invoices' and downloads the PDF."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.hub.test_pay_page import PAY_LINK, Hub, hub  # noqa: F401  # `hub` is the fixture
from tests.hub.test_webchat_http import button, say
from tests.support.invoices import pdf_text


def test_after_paying_my_invoices_links_the_paid_invoice_pdf(hub: Hub) -> None:  # noqa: F811
    answer = say(hub.http, None, text="book tomorrow at 11am", timezone="Europe/London")
    session = answer["session"]
    say(hub.http, session, text="Lina")
    answer = say(hub.http, session, text="lina@example.com")
    answer = say(hub.http, session, action=button(answer, "Confirm"))
    found = PAY_LINK.search(answer["replies"][0]["text"])
    assert found is not None
    assert hub.http.post(f"/pay/{found.group(1)}").status_code == 200

    answer = say(hub.http, session, text="my invoices")

    assert answer["replies"][0]["text"] == "Your invoices:"
    [document] = [r for r in answer["replies"] if r["document_url"]]
    number, total, status = document["text"].split(" · ")
    assert (total, status) == ("£45.00", "paid")
    link = urlsplit(document["document_url"])
    assert f"{link.scheme}://{link.netloc}" == "http://127.0.0.1:8000"  # SAMIA_PUBLIC_URL
    pdf = hub.http.get(f"{link.path}?{link.query}")
    assert pdf.status_code == 200
    assert pdf.headers["content-disposition"] == f'inline; filename="{number}.pdf"'
    text = pdf_text(pdf.content)
    assert number in text
    assert "£45.00" in text
    assert "Love reading" in text
