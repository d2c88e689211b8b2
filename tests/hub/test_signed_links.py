"""Signed document links: only this hub's tag for exactly this path opens it, until it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from hub.signed_links import LINK_LIFETIME, LinkSigner

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PATH = "/api/v1/invoices/6b1f0d1e-4f7e-4c55-9d43-2f2b1c7f4a10.pdf"
SIGNER = LinkSigner(b"hub-secret", public_url="https://hub.example.test/")


def signed(path: str = PATH, *, expires_at: datetime = NOW + LINK_LIFETIME) -> tuple[str, str]:
    query = parse_qs(SIGNER.sign(path, expires_at=expires_at))
    return query["exp"][0], query["sig"][0]


def test_a_link_opens_its_path_until_it_expires() -> None:
    exp, sig = signed()

    assert exp == str(int((NOW + timedelta(days=7)).timestamp()))
    assert len(sig) == 64
    assert SIGNER.verify(PATH, exp, sig, now=NOW)
    assert SIGNER.verify(PATH, int(exp), sig, now=NOW + timedelta(days=6, hours=23))
    assert not SIGNER.verify(PATH, exp, sig, now=NOW + timedelta(days=7))


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda p, e, s: (p.replace("6b1f", "6b2f"), e, s), id="another-invoice"),
        pytest.param(lambda p, e, s: (p, str(int(e) + 1), s), id="later-expiry"),
        pytest.param(lambda p, e, s: (p, e, s[:-1] + ("0" if s[-1] != "0" else "1")), id="sig"),
        pytest.param(lambda p, e, s: (p, e, s.upper()), id="sig-case"),
        pytest.param(lambda p, e, s: (p, e, s[:32]), id="short-sig"),
        pytest.param(lambda p, e, s: (p, "soon", s), id="exp-not-a-number"),
        pytest.param(lambda p, e, s: (p, None, s), id="no-exp"),
        pytest.param(lambda p, e, s: (p, e, None), id="no-sig"),
        pytest.param(lambda p, e, s: (p, e, "é" * 64), id="non-ascii-sig"),
    ],
)
def test_anything_changed_in_a_link_opens_nothing(tamper) -> None:  # type: ignore[no-untyped-def]
    path, exp, sig = tamper(PATH, *signed())

    assert not SIGNER.verify(path, exp, sig, now=NOW)


def test_another_secret_does_not_accept_this_hubs_links() -> None:
    exp, sig = signed()

    assert not LinkSigner(b"other-secret").verify(PATH, exp, sig, now=NOW)


def test_url_is_absolute_under_the_public_url() -> None:
    url = urlsplit(SIGNER.url(PATH, now=NOW))

    assert (url.scheme, url.netloc, url.path) == ("https", "hub.example.test", PATH)
    query = parse_qs(url.query)
    assert SIGNER.verify(PATH, query["exp"][0], query["sig"][0], now=NOW)
