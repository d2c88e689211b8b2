"""`samia campaigns list|show|cancel`: the campaigns readers and admins launched, how each
went (sent, failed and why, opted out, bookings), and stopping one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from hub.cli_support import fail, migrated_settings

if TYPE_CHECKING:
    from domain.crm.campaigns import CampaignReport
    from domain.ports.campaigns import CampaignRecord
    from storage.uow import Database

T = TypeVar("T")
campaigns_app = typer.Typer(help="Campaigns: list, show a report, cancel.", no_args_is_help=True)
console = Console()


def _say(text: str) -> None:
    console.print(text, highlight=False, soft_wrap=True)


@campaigns_app.command("list")
def list_campaigns(
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 20,
) -> None:
    """Every owner's most recent campaigns with their status and audience."""
    rows = asyncio.run(_run(_all, limit))
    if not rows:
        _say("no campaigns yet")
        return
    for c in rows:
        owner = "platform" if c.reader_id is None else f"reader {c.reader_id}"
        when = c.scheduled_local.isoformat(sep=" ") + " local" if c.scheduled_local else "now"
        audience = "-" if c.audience_count is None else f"{c.audience_count:,}"
        _say(f"{c.id}  {c.status.value:<9}  {c.name}  ({owner}, send {when}, audience {audience})")


@campaigns_app.command("show")
def show(
    campaign: Annotated[str, typer.Argument(help="The campaign id (or its first characters).")],
) -> None:
    """How a campaign went: sent per channel, failures by reason, opt-outs, bookings."""
    report = asyncio.run(_run(_report, campaign))
    c = report.campaign
    _say(f"{c.name}  [{c.status.value}]  {c.id}")
    channels = ", ".join(f"{n:,} {ch.value}" for ch, n in sorted(report.by_channel.items()))
    _say(
        f"sent {report.sent:,}"
        + (f" ({channels})" if channels else "")
        + f", pending {report.pending:,}"
    )
    _say(f"opted out {report.opted_out:,}, skipped {report.skipped:,}")
    for reason, n in sorted(report.failed.items(), key=lambda kv: -kv[1]):
        _say(f"failed {n:,}: {reason}")
    b = report.bookings
    _say(
        f"bookings within 7 days: {b.get('window', 0):,}"
        f" (by offer code {b.get('code', 0):,}, by button {b.get('button', 0):,})"
    )


@campaigns_app.command("cancel")
def cancel(
    campaign: Annotated[str, typer.Argument(help="The campaign id (or its first characters).")],
) -> None:
    """Stop a campaign: its pending messages are skipped and nothing more is sent."""
    skipped = asyncio.run(_run(_cancel, campaign))
    _say(f"cancelled; {skipped:,} pending messages will not be sent")


async def _run(action: Callable[[Database, Any], Awaitable[T]], arg: Any) -> T:
    """Open the database for one command, run it, close it."""
    from domain.clock import SystemClock
    from storage.uow import Database

    database = Database.from_url(migrated_settings().database_url, clock=SystemClock())
    try:
        return await action(database, arg)
    finally:
        await database.dispose()


async def _everything(database: Database) -> list[CampaignRecord]:
    from domain.enums import CampaignStatus

    async with database.uows(read_only=True) as uow:
        found = await uow.campaigns.in_status(list(CampaignStatus))
    return sorted(found, key=lambda c: (c.created_at is not None, c.created_at), reverse=True)


async def _find(database: Database, prefix: str) -> CampaignRecord:
    wanted = prefix.strip().lower()
    matches = [c for c in await _everything(database) if str(c.id).startswith(wanted)]
    if len(matches) != 1:
        fail(
            f"no campaign {prefix!r}"
            if not matches
            else f"{prefix!r} matches {len(matches)} campaigns"
        )
    return matches[0]


async def _all(database: Database, limit: int) -> list[CampaignRecord]:
    return (await _everything(database))[:limit]


async def _report(database: Database, prefix: str) -> CampaignReport:
    from domain.crm.campaigns import campaign_report

    found = await _find(database, prefix)
    return await campaign_report(
        uows=database.uows, campaign_id=found.id, reader_id=None, admin=True
    )


async def _cancel(database: Database, prefix: str) -> int:
    from domain.clock import SystemClock
    from domain.crm.campaign_rules import CampaignRefused
    from domain.crm.campaigns import cancel_campaign

    found = await _find(database, prefix)
    try:
        return await cancel_campaign(
            uows=database.uows, clock=SystemClock(), campaign_id=found.id, reader_id=found.reader_id
        )
    except CampaignRefused as refused:
        fail(f"cannot cancel: the campaign is {found.status.value} ({refused.reason.value})")
