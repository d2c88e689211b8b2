"""`samia fx sync`, `samia fx rate` and `samia fx set`: one clear line each, exit 1 with the
reason."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.clock import SystemClock
from hub.cli import app as cli
from tests.support.databases import fresh_sqlite_copy
from tests.support.fakes.ecb_api import EcbApiFake

LAST_BUNDLED = "2026-10-30"
NO_GBP_AED = (
    "error: no GBP->AED rate is known for 2026-11-03 (none for GBP, AED): run `samia fx sync`,"
    " or, for a currency the ECB does not publish, an admin loads its rate:"
    " `samia fx set GBP RATE --on 2026-11-03` (RATE: GBP per 1 EUR)"
)


def days_back_to(day: date) -> str:
    """A backfill that reaches `day` whatever today is (the bundle does not move)."""
    return str((SystemClock().now().date() - day).days)


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path) -> str:
    for name in list(os.environ):
        if name.startswith("SAMIA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env
    url = fresh_sqlite_copy(sqlite_template, tmp_path / "samia.db")
    monkeypatch.setenv("SAMIA_DATABASE_URL", url)
    monkeypatch.setenv("SAMIA_VAR_DIR", str(tmp_path / "var"))
    return url


@pytest.fixture(scope="module")
def ecb_server() -> Iterator[EcbApiFake]:
    with EcbApiFake(since=date(2026, 6, 1)) as server:
        yield server


@pytest.fixture
def ecb(ecb_server: EcbApiFake, monkeypatch: pytest.MonkeyPatch, hub_env: str) -> EcbApiFake:
    ecb_server.reset()
    monkeypatch.setenv("SAMIA_FX_RATES_URL", ecb_server.daily_url)
    return ecb_server


def test_sync_bundled_stores_the_history_and_says_how_much(hub_env: str) -> None:
    result = CliRunner().invoke(
        cli, ["fx", "sync", "--bundled", "--backfill-days", days_back_to(date(2026, 10, 1))]
    )

    assert result.exit_code == 0, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("stored ")
    assert line.endswith(f" new rates up to {LAST_BUNDLED} from the bundled ECB history")


def test_sync_reads_the_ecb_at_the_configured_url(ecb: EcbApiFake) -> None:
    backfill = days_back_to(date(2026, 10, 26))

    first = CliRunner().invoke(cli, ["fx", "sync", "--backfill-days", backfill])
    again = CliRunner().invoke(cli, ["fx", "sync"])

    assert first.exit_code == 0, first.output
    assert f"up to {LAST_BUNDLED} from the ECB" in first.output
    assert "stored 0 new rates" in again.output
    assert ecb.calls()  # the loopback ECB, never the real one


def test_a_failing_ecb_is_exit_1_with_one_line(ecb: EcbApiFake) -> None:
    ecb.fail_next(status=503)

    result = CliRunner().invoke(cli, ["fx", "sync"])

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: fx sync failed: ecb answered HTTP 503")


def test_rate_prints_the_stored_rate_of_a_day(hub_env: str) -> None:
    backfill = days_back_to(date(2024, 3, 1))
    loaded = CliRunner().invoke(cli, ["fx", "sync", "--bundled", "--backfill-days", backfill])
    assert loaded.exit_code == 0, loaded.output

    result = CliRunner().invoke(cli, ["fx", "rate", "gbp", "JPY", "--on", "2024-03-10"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "1 GBP = 189.02639489 JPY on 2024-03-10 (published 2024-03-08, ecb-bundled)"
    )


def test_rate_without_a_known_rate_says_what_to_run(hub_env: str) -> None:
    result = CliRunner().invoke(cli, ["fx", "rate", "GBP", "AED", "--on", "2026-11-03"])

    assert result.exit_code == 1
    assert result.stderr.strip() == NO_GBP_AED


def test_rate_refuses_an_unknown_currency(hub_env: str) -> None:
    result = CliRunner().invoke(cli, ["fx", "rate", "GBP", "GPB"])

    assert result.exit_code == 1
    assert "unknown currency GPB" in result.stderr


def test_an_unmigrated_database_is_refused_with_the_command_that_fixes_it(
    hub_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMIA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")

    result = CliRunner().invoke(cli, ["fx", "sync", "--bundled"])

    assert result.exit_code == 1
    assert "run `samia init` first" in result.stderr


def test_rate_refuses_a_malformed_day_as_bad_usage(hub_env: str) -> None:
    result = CliRunner().invoke(cli, ["fx", "rate", "GBP", "USD", "--on", "3 Nov"])

    assert result.exit_code == 2


def test_the_samia_command_prints_a_failure_as_one_line_on_stderr(hub_env: str) -> None:
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "hub.cli", "fx", "rate", "GBP", "AED", "--on", "2026-11-03"],
        env={**os.environ, "PYTHONPATH": str(repo)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert done.stderr.strip() == NO_GBP_AED


def test_rate_of_a_pegged_currency_follows_the_synced_usd_rate(hub_env: str) -> None:
    loaded = CliRunner().invoke(
        cli, ["fx", "sync", "--bundled", "--backfill-days", days_back_to(date(2026, 10, 1))]
    )
    assert loaded.exit_code == 0, loaded.output

    result = CliRunner().invoke(cli, ["fx", "rate", "EUR", "AED", "--on", LAST_BUNDLED])

    assert result.output.strip() == (
        f"1 EUR = 4.10291700 AED on {LAST_BUNDLED} (published {LAST_BUNDLED}, ecb-bundled+peg)"
    )


def test_set_loads_a_rate_nobody_publishes_and_rate_reads_it_back(hub_env: str) -> None:
    loaded = CliRunner().invoke(
        cli, ["fx", "sync", "--bundled", "--backfill-days", days_back_to(date(2026, 10, 1))]
    )
    assert loaded.exit_code == 0, loaded.output

    stored = CliRunner().invoke(cli, ["fx", "set", "kwd", "0.3420", "--on", LAST_BUNDLED])
    read = CliRunner().invoke(cli, ["fx", "rate", "GBP", "KWD", "--on", "2026-11-02"])

    assert stored.exit_code == 0, stored.output
    assert stored.output.strip() == (
        f"stored 1 EUR = 0.3420 KWD on {LAST_BUNDLED} (manual);"
        " conversions of that day and the week after use it"
    )
    assert read.output.strip() == (
        f"1 GBP = 0.41017030 KWD on 2026-11-02 (published {LAST_BUNDLED}, cross)"
    )


def test_set_refuses_a_pegged_currency_with_one_line(hub_env: str) -> None:
    result = CliRunner().invoke(cli, ["fx", "set", "AED", "4.1", "--on", LAST_BUNDLED])

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: AED is pegged to USD: its rates follow from USD's (run `samia fx sync`)"
    )


def test_set_without_a_day_or_with_a_malformed_one_is_bad_usage(hub_env: str) -> None:
    missing = CliRunner().invoke(cli, ["fx", "set", "KWD", "0.342"])
    malformed = CliRunner().invoke(cli, ["fx", "set", "KWD", "0.342", "--on", "30 Oct"])

    assert (missing.exit_code, malformed.exit_code) == (2, 2)
