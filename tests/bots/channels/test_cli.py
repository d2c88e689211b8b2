"""`samia doctor` calls each configured platform; `samia telegram set-webhook` registers us."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.bots.channels.conftest import META_APP_SECRET, SLACK_SIGNING_SECRET, TELEGRAM_SECRET
from tests.support.fakes import MetaGraphFake, SlackApiFake, TelegramApiFake

REPO = Path(__file__).resolve().parents[3]


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


def platform_env(tg: TelegramApiFake, slack: SlackApiFake, meta: MetaGraphFake) -> dict[str, str]:
    return {
        "SAMIA_TELEGRAM_BOT_TOKEN": tg.token,
        "SAMIA_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "SAMIA_TELEGRAM_API_URL": f"{tg.url}/bot",
        "SAMIA_SLACK_BOT_TOKEN": next(iter(slack.tokens)),
        "SAMIA_SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SAMIA_SLACK_API_URL": f"{slack.url}/api/",
        "SAMIA_META_PAGE_TOKEN": meta.access_token,
        "SAMIA_META_APP_SECRET": META_APP_SECRET,
        "SAMIA_META_VERIFY_TOKEN": "verify",
        "SAMIA_META_PAGE_ID": meta.page_id,
        "SAMIA_META_GRAPH_URL": f"{meta.url}/",
    }


def test_doctor_calls_every_configured_platform_and_says_it_answers(
    tmp_path: Path, tg: TelegramApiFake, slack: SlackApiFake, meta: MetaGraphFake
) -> None:
    result = samia("doctor", cwd=tmp_path, **platform_env(tg, slack, meta))

    assert result.returncode == 0, result.stderr
    assert "telegram: answers  @samia_test_bot" in result.stdout
    assert "slack: answers  Samia Tarot as samia" in result.stdout
    assert "meta: answers  Samia Tarot" in result.stdout
    assert (len(tg.calls("getMe")), len(slack.calls("auth.test")), len(meta.calls("node"))) == (
        1,
        1,
        1,
    )
    assert tg.token not in result.stdout + result.stderr


def test_doctor_fails_in_one_line_when_a_platform_does_not_answer(
    tmp_path: Path, tg: TelegramApiFake, slack: SlackApiFake, meta: MetaGraphFake
) -> None:
    env = platform_env(tg, slack, meta) | {
        "SAMIA_TELEGRAM_BOT_TOKEN": "999:wrong-token-value",
        "SAMIA_SLACK_API_URL": "http://127.0.0.1:9/api/",
    }

    result = samia("doctor", cwd=tmp_path, **env)

    assert result.returncode == 1
    assert "telegram: no answer" in result.stdout
    assert "slack: no answer" in result.stdout
    assert "meta: answers" in result.stdout
    assert result.stderr.strip() == "error: not answering: telegram, slack"
    assert "wrong-token-value" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_set_webhook_registers_our_route_with_the_secret(
    tmp_path: Path, tg: TelegramApiFake, slack: SlackApiFake, meta: MetaGraphFake
) -> None:
    env = platform_env(tg, slack, meta) | {"SAMIA_PUBLIC_URL": "https://hub.example"}

    result = samia("telegram", "set-webhook", cwd=tmp_path, **env)

    assert result.returncode == 0, result.stderr
    assert "https://hub.example/webhooks/telegram" in result.stdout
    assert tg.webhook["url"] == "https://hub.example/webhooks/telegram"
    assert tg.webhook["secret_token"] == TELEGRAM_SECRET
    assert tg.webhook["allowed_updates"] == ["message", "callback_query", "pre_checkout_query"]


def test_set_webhook_without_telegram_settings_is_a_one_line_failure(tmp_path: Path) -> None:
    result = samia("telegram", "set-webhook", cwd=tmp_path)

    assert result.returncode == 1
    assert "SAMIA_TELEGRAM_BOT_TOKEN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
