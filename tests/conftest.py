"""Shared fixtures: databases on SQLite and PostgreSQL, network kept on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.migrate import upgrade
from storage.scratch import scratch_postgres_database
from tests.support.databases import (
    POSTGRES_SKIP_REASON,
    fresh_sqlite_copy,
    migrated_sqlite_template,
    postgres_base_url,
    truncate_all,
)

# The vendor fakes (Telegram, Slack, Meta) as fixtures for every test module.
pytest_plugins = ("tests.support.fake_servers",)

# PTB 22 warns unless timedeltas are opted into; the suite turns warnings into errors.
os.environ.setdefault("PTB_TIMEDELTA", "1")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(postgres_base_url() is None, reason=POSTGRES_SKIP_REASON),
        ],
    ),
]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_worker_url() -> Iterator[str | None]:
    """One migrated PostgreSQL database per test worker, emptied between tests."""
    base = postgres_base_url()
    if base is None:
        yield None
        return
    with scratch_postgres_database(base, prefix="samia_w") as url:
        upgrade(url)
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path: Path,
    postgres_worker_url: str | None,
) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        yield fresh_sqlite_copy(sqlite_template, tmp_path / "samia.db")
        return
    assert postgres_worker_url is not None
    truncate_all(postgres_worker_url)
    yield postgres_worker_url


@pytest.fixture
def postgres_url(postgres_worker_url: str | None) -> str:
    """A migrated, empty PostgreSQL database, for behaviour only PostgreSQL has."""
    if postgres_worker_url is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    truncate_all(postgres_worker_url)
    return postgres_worker_url
