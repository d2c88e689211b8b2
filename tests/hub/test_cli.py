"""The `samia` command: exit codes 0 / 1 / 2 and one-line reasons, no stack traces."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.migrate import current_revision, head_revision

REPO = Path(__file__).resolve().parents[2]


def samia(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SAMIA_")}
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version_prints_and_exits_zero(tmp_path: Path) -> None:
    result = samia("--version", cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout.startswith("samia ")


def test_unknown_command_is_bad_usage(tmp_path: Path) -> None:
    result = samia("frobnicate", cwd=tmp_path)

    assert result.returncode == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_creates_the_database_at_head_and_a_private_key(tmp_path: Path) -> None:
    result = samia("init", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    database = tmp_path / "var" / "samia.db"
    assert current_revision(f"sqlite:///{database}") == head_revision()
    assert (tmp_path / "var" / "secret.key").stat().st_mode & 0o077 == 0
    again = samia("init", cwd=tmp_path)
    assert again.returncode == 0
    assert "already at" in again.stdout


def test_half_configured_provider_fails_with_one_line(tmp_path: Path) -> None:
    result = samia("doctor", cwd=tmp_path, SAMIA_SLACK_BOT_TOKEN="xoxb-1")

    assert result.returncode == 1
    assert "SAMIA_SLACK_SIGNING_SECRET" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert "xoxb-1" not in result.stderr


def test_doctor_lists_every_provider(tmp_path: Path) -> None:
    result = samia("doctor", cwd=tmp_path)

    assert result.returncode == 0
    for provider in ("telegram", "slack", "meta", "google", "zoom", "mailchimp", "shopify", "x"):
        assert provider in result.stdout


@pytest.mark.postgres
def test_init_runs_the_same_migration_on_postgresql(tmp_path: Path) -> None:
    from storage.scratch import scratch_postgres_database
    from tests.support.databases import require_postgres

    with scratch_postgres_database(require_postgres()) as url:
        result = samia("init", cwd=tmp_path, SAMIA_DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert current_revision(url) == head_revision()


def test_unsupported_database_is_a_clear_failure(tmp_path: Path) -> None:
    result = samia("init", cwd=tmp_path, SAMIA_DATABASE_URL="mysql://root@127.0.0.1/x")

    assert result.returncode == 1
    assert "unsupported database" in result.stderr
    assert "Traceback" not in result.stderr


def test_readers_add_list_and_invite(tmp_path: Path) -> None:
    assert samia("init", cwd=tmp_path).returncode == 0

    added = samia(
        "readers",
        "add",
        "noor",
        "--name",
        "Noor",
        "--timezone",
        "Asia/Dubai",
        "--currency",
        "aed",
        cwd=tmp_path,
    )
    listed = samia("readers", "list", cwd=tmp_path)
    invite = samia("readers", "invite", "noor", cwd=tmp_path)

    assert added.returncode == 0, added.stderr
    assert "noor" in listed.stdout
    assert "Asia/Dubai" in listed.stdout
    assert invite.returncode == 0
    assert "/link " in invite.stdout


def test_readers_add_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    assert samia("init", cwd=tmp_path).returncode == 0

    zone = samia("readers", "add", "x", "--name", "X", "--timezone", "Mars/Olympus", cwd=tmp_path)
    missing = samia("readers", "invite", "nobody", cwd=tmp_path)

    assert zone.returncode == 1
    assert "unknown timezone" in zone.stderr
    assert missing.returncode == 1
    assert "no reader" in missing.stderr


def test_chat_in_the_terminal_books_with_numbered_buttons(tmp_path: Path) -> None:
    assert samia("init", cwd=tmp_path).returncode == 0
    samia("readers", "add", "noor", "--name", "Noor", cwd=tmp_path)
    service = samia("services", "add", "noor", "Love reading", "--price", "45.00", cwd=tmp_path)
    assert service.returncode == 0, service.stderr

    result = subprocess.run(
        [sys.executable, "-m", "hub.cli", "chat", "--as", "client:lina@example.com"],
        cwd=tmp_path,
        input="book\nquit\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("SAMIA_")}
        | {"PYTHONPATH": str(REPO)},
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Which day?" in result.stdout


def test_chat_refuses_a_malformed_persona(tmp_path: Path) -> None:
    result = samia("chat", "--as", "lina", cwd=tmp_path)

    assert result.returncode == 2


def test_services_add_refuses_an_impossible_price(tmp_path: Path) -> None:
    assert samia("init", cwd=tmp_path).returncode == 0
    samia("readers", "add", "noor", "--name", "Noor", "--currency", "JPY", cwd=tmp_path)

    result = samia("services", "add", "noor", "Reading", "--price", "10.50", cwd=tmp_path)

    assert result.returncode == 1
    assert "not a valid JPY amount" in result.stderr


def test_outbox_shows_held_emails_newest_first(tmp_path: Path) -> None:
    import asyncio

    from domain.enums import EmailKind
    from domain.ports.email import OutgoingEmail
    from storage.mailbox import SqlMailbox
    from storage.uow import Database

    assert samia("init", cwd=tmp_path).returncode == 0
    assert "no emails held" in samia("outbox", cwd=tmp_path).stdout

    async def hold_two() -> None:
        database = Database.from_url(f"sqlite:///{tmp_path}/var/samia.db")
        mailbox = SqlMailbox(database.uows)
        for to in ("first@example.com", "second@example.com"):
            await mailbox.send(
                OutgoingEmail(to, f"code for {to}", "Your code is 123456.", EmailKind.LOGIN_CODE)
            )
        await database.dispose()

    asyncio.run(hold_two())
    listed = samia("outbox", cwd=tmp_path)
    one = samia("outbox", "--to", "FIRST@example.com", "--full", cwd=tmp_path)

    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.index("second@") < listed.stdout.index("first@")
    assert "Your code is 123456." in one.stdout
    assert "second@" not in one.stdout
