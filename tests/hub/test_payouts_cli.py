"""`samia payouts run`: a table of statements, a dry run that writes nothing, a rerun that
pays nothing twice, and a clear refusal of a bad date."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.clock import FixedClock, SystemClock
from domain.enums import LedgerAccount
from hub import payouts_cli
from hub.cli import app as cli
from storage.uow import Database
from tests.support.databases import fresh_sqlite_copy
from tests.support.factories import make_reader
from tests.support.ledger_books import open_books


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path) -> str:
    for name in list(os.environ):
        if name.startswith("SAMIA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env
    url = fresh_sqlite_copy(sqlite_template, tmp_path / "samia.db")
    monkeypatch.setenv("SAMIA_DATABASE_URL", url)
    monkeypatch.setenv("SAMIA_VAR_DIR", str(tmp_path / "var"))
    # The whole table on one line per statement (the console is built at import).
    monkeypatch.setattr(payouts_cli.console, "width", 200)
    return url


def paid_yesterday(url: str) -> None:
    """Two readers paid two days ago (real time: the command uses the system clock)."""

    async def seed() -> None:
        database = Database.from_url(url)
        clock = FixedClock(SystemClock().now() - timedelta(days=2))
        try:
            for slug in ("samia", "noor"):
                books = await open_books(
                    database.uows,
                    clock,
                    make_reader(slug=slug, timezone="UTC"),
                    platform_currency="GBP",
                )
                await books.paid()
        finally:
            await database.dispose()

    asyncio.run(seed())


def owed(url: str) -> int:
    async def read() -> int:
        database = Database.from_url(url)
        try:
            async with database.uows(read_only=True) as uow:
                return await uow.ledger.balance(LedgerAccount.READER_PAYABLE, "GBP", None)
        finally:
            await database.dispose()

    return asyncio.run(read())


def test_a_dry_run_prints_the_statements_and_pays_nothing(hub_env: str) -> None:
    paid_yesterday(hub_env)

    result = CliRunner().invoke(cli, ["payouts", "run", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "samia" in result.output
    assert "noor" in result.output
    assert "dry run" in result.output
    assert "would pay 2 payouts to 2 readers: 84.00 GBP" in result.output
    assert owed(hub_env) == 8400


def test_a_run_pays_and_a_rerun_pays_nothing(hub_env: str) -> None:
    paid_yesterday(hub_env)

    first = CliRunner().invoke(cli, ["payouts", "run"])
    again = CliRunner().invoke(cli, ["payouts", "run"])

    assert first.exit_code == 0, first.output
    assert "paid 2 payouts to 2 readers: 84.00 GBP" in first.output
    assert "42.00 GBP" in first.output
    assert again.exit_code == 0, again.output
    assert "nothing to pay" in again.output
    assert owed(hub_env) == 0


def test_a_bad_period_end_is_refused_with_the_format(hub_env: str) -> None:
    result = CliRunner().invoke(cli, ["payouts", "run", "--period-end", "next friday"])

    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
