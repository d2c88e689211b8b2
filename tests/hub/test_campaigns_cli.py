"""`samia campaigns list|show|cancel`: one line per campaign, a report, and a cancel that
leaves nothing to send; an unknown id is exit 1 with the reason."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.clock import SystemClock
from domain.crm.campaigns import CampaignDraft, confirm_campaign, create_campaign
from domain.enums import CampaignStatus
from hub.cli import app as cli
from tests.support.campaign_world import EVERYONE, make_campaign_world
from tests.support.databases import fresh_sqlite_copy


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path) -> str:
    for name in list(os.environ):
        if name.startswith("SAMIA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    url = fresh_sqlite_copy(sqlite_template, tmp_path / "samia.db")
    monkeypatch.setenv("SAMIA_DATABASE_URL", url)
    monkeypatch.setenv("SAMIA_VAR_DIR", str(tmp_path / "var"))
    return url


async def _confirmed(url: str) -> str:
    from domain.clock import FixedClock

    clock = FixedClock(SystemClock().now())
    world = await make_campaign_world(url, clock, telegram=2)
    draft = CampaignDraft(world.reader.id, EVERYONE, "Full moon readings", name="Full moon")
    made = await create_campaign(uows=world.database.uows, clock=clock, draft=draft)
    await confirm_campaign(
        uows=world.database.uows, clock=clock, campaign_id=made.id, reader_id=world.reader.id
    )
    await world.database.dispose()
    return str(made.id)


def test_list_show_and_cancel_a_campaign(hub_env: str) -> None:
    campaign_id = asyncio.run(_confirmed(hub_env))
    listed = CliRunner().invoke(cli, ["campaigns", "list"])
    assert listed.exit_code == 0, listed.output
    assert f"{campaign_id}  {CampaignStatus.SCHEDULED.value}" in listed.output
    assert "Full moon" in listed.output
    shown = CliRunner().invoke(cli, ["campaigns", "show", campaign_id[:8]])
    assert shown.exit_code == 0, shown.output
    assert "sent 0, pending 0" in shown.output
    cancelled = CliRunner().invoke(cli, ["campaigns", "cancel", campaign_id[:8]])
    assert cancelled.exit_code == 0, cancelled.output
    assert "cancelled" in cancelled.output
    again = CliRunner().invoke(cli, ["campaigns", "cancel", campaign_id])
    assert again.exit_code == 1
    assert "cannot cancel: the campaign is cancelled" in again.output


def test_an_unknown_campaign_is_exit_1(hub_env: str) -> None:
    result = CliRunner().invoke(cli, ["campaigns", "show", "ffffffff"])
    assert result.exit_code == 1
    assert "no campaign 'ffffffff'" in result.output
