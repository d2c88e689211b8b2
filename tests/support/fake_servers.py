"""Pytest fixtures for the vendor fakes: one served fake per module, wiped before each test.

Loaded for every test through `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fakes import MetaGraphFake, SlackApiFake, TelegramApiFake


@pytest.fixture(scope="module")
def telegram_server() -> Iterator[TelegramApiFake]:
    with TelegramApiFake() as fake:
        yield fake


@pytest.fixture(scope="module")
def slack_server() -> Iterator[SlackApiFake]:
    with SlackApiFake() as fake:
        yield fake


@pytest.fixture(scope="module")
def meta_server() -> Iterator[MetaGraphFake]:
    with MetaGraphFake() as fake:
        yield fake


@pytest.fixture
def tg(telegram_server: TelegramApiFake) -> TelegramApiFake:
    telegram_server.reset()
    return telegram_server


@pytest.fixture
def slack(slack_server: SlackApiFake) -> SlackApiFake:
    slack_server.reset()
    return slack_server


@pytest.fixture
def meta(meta_server: MetaGraphFake) -> MetaGraphFake:
    meta_server.reset()
    return meta_server
