"""Who a campaign goes to: its segment resolved, then walked in keyset pages of clients.

The only place campaigns touch `domain.crm.segments`, so 50k recipients are never in
memory at once: each page is ids from SQL, then one round trip for their zones and chats.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

from domain.clock import Clock
from domain.crm import segments
from domain.crm.segment_rules import SegmentRule
from domain.ports.campaigns import CampaignRecord, Recipient
from domain.ports.storage import UnitOfWorkFactory

PAGE = 1000


@dataclass(frozen=True, slots=True)
class ChosenSegment:
    """A segment as a campaign keeps it: a library key or a saved segment's id."""

    name: str
    key: str | None
    segment_id: UUID | None
    rule: SegmentRule


async def resolve(
    uows: UnitOfWorkFactory, reader_id: UUID | None, name: str
) -> ChosenSegment | None:
    """The saved or library segment called `name`, or None."""
    found = await segments.resolve_segment(
        uow=uows(read_only=True), reader_id=reader_id, name=name.strip()
    )
    if found is None:
        return None
    key = None if found.segment_id is not None else found.library_key or name.strip()
    return ChosenSegment(found.name, key, found.segment_id, found.rule)


async def segment_names(uows: UnitOfWorkFactory, reader_id: UUID | None) -> list[str]:
    """The library's segments, then the owner's saved ones, by name."""
    found = await segments.list_segments(uow=uows(read_only=True), reader_id=reader_id)
    return [segment.name for segment in found]


async def campaign_rule(uows: UnitOfWorkFactory, campaign: CampaignRecord) -> SegmentRule | None:
    """The campaign's rule as it reads today (a saved segment may have been edited)."""
    name = campaign.segment_key
    if name is None and campaign.segment_id is not None:
        async with uows(read_only=True) as uow:
            name = await uow.campaigns.segment_name(campaign.segment_id)
    chosen = await resolve(uows, campaign.reader_id, name) if name else None
    return chosen.rule if chosen is not None else None


async def pages(
    *, uows: UnitOfWorkFactory, clock: Clock, campaign: CampaignRecord, page: int = PAGE
) -> AsyncIterator[list[Recipient]]:
    """Consenting clients of the campaign's segment, `page` at a time, by id."""
    rule = await campaign_rule(uows, campaign)
    if rule is None:
        return
    after: UUID | None = None
    while True:
        async with uows(read_only=True) as uow:
            ids = await uow.segments.client_ids(
                reader_id=campaign.reader_id,
                rule=rule,
                now=clock.now(),
                marketing_only=True,
                after=after,
                limit=page,
            )
            recipients = await uow.campaigns.recipients(ids) if ids else []
        if recipients:
            yield recipients
        if len(ids) < page:
            return
        after = ids[-1]
