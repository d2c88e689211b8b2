"""The loopback ECB for the FX connector tests: served once, wiped before each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.support.fakes.ecb_api import EcbApiFake


@pytest.fixture(scope="package")
def ecb_server() -> Iterator[EcbApiFake]:
    with EcbApiFake(since=date(2024, 1, 1)) as server:
        yield server


@pytest.fixture
def ecb(ecb_server: EcbApiFake) -> EcbApiFake:
    ecb_server.reset()
    return ecb_server
