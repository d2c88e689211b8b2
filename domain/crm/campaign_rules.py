"""Campaign rules with no I/O: message limits, the channel per client, the local send time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.crm.consent import next_send_time
from domain.enums import Channel
from domain.errors import DomainError
from domain.ports.campaigns import Recipient

# The longest message each platform takes (platform-facts.md): one place for every check.
TEXT_LIMITS: dict[Channel, int] = {
    Channel.TELEGRAM: 4096,
    Channel.MESSENGER: 2000,
    Channel.INSTAGRAM: 1000,
    Channel.SLACK: 40000,
    Channel.WEBCHAT: 10000,
    Channel.CONSOLE: 10000,
    Channel.EMAIL: 100000,
}
# With an image the text becomes its caption, which some platforms keep much shorter.
CAPTION_LIMITS: dict[Channel, int] = {Channel.TELEGRAM: 1024}
# Meta lets a page write first only inside 24 hours of the person's last message.
META_WINDOW = timedelta(hours=24)
META_CHANNELS = frozenset({Channel.MESSENGER, Channel.INSTAGRAM})
ATTRIBUTION_WINDOW = timedelta(days=7)


class Refusal(StrEnum):
    """Why a campaign cannot go ahead, as the reader is told."""

    NO_RECIPIENTS = "no_recipients"
    TOO_LONG = "too_long"
    PAST_TIME = "past_time"
    EMPTY = "empty"
    UNKNOWN_SEGMENT = "unknown_segment"
    BAD_SEGMENT = "bad_segment"
    CODE_TAKEN = "code_taken"
    NOT_DRAFT = "not_draft"
    NOT_CANCELLABLE = "not_cancellable"


class CampaignRefused(DomainError):
    """A campaign was refused; `reason` says why and `params` fill the message."""

    code = "campaign_refused"

    def __init__(self, reason: Refusal, detail: str = "", **params: object) -> None:
        """Keep the reason the reader's message is chosen by."""
        super().__init__(detail or reason.value, **params)
        self.reason = reason


def length_limit(channels: Iterable[Channel], *, with_image: bool) -> tuple[int, Channel] | None:
    """The strictest limit among `channels` (and the channel that sets it)."""
    limits = [((CAPTION_LIMITS if with_image else {}).get(c, TEXT_LIMITS[c]), c) for c in channels]
    return min(limits, key=lambda pair: pair[0]) if limits else None


def check_length(body: str, channels: Iterable[Channel], *, with_image: bool) -> None:
    """Refuse a message longer than the strictest platform it will go to."""
    found = length_limit(channels, with_image=with_image)
    if found is not None and len(body) > found[0]:
        limit, channel = found
        raise CampaignRefused(
            Refusal.TOO_LONG, limit=limit, channel=channel.value, length=len(body)
        )


def best_channel(recipient: Recipient, *, now: datetime) -> Channel | None:
    """The client's preferred usable channel, else their latest chat, else email."""
    usable = [c.channel for c in recipient.chats if _chat_usable(c.channel, c.last_inbound_at, now)]
    preferred = recipient.preferred_channel
    if preferred is Channel.EMAIL and recipient.email:
        return Channel.EMAIL
    if preferred is not None and preferred in usable:
        return preferred
    if usable:
        return usable[0]
    if recipient.email:
        return Channel.EMAIL
    return None


def _chat_usable(channel: Channel, last_inbound_at: datetime | None, now: datetime) -> bool:
    """Meta accounts only inside their window; every other chat at any time."""
    if channel is Channel.EMAIL:
        return False
    if channel in META_CHANNELS:
        return last_inbound_at is not None and now - last_inbound_at < META_WINDOW
    return True


def local_send_time(recipient: Recipient, *, local: datetime | None, now: datetime) -> datetime:
    """When the client gets it: the wall time in their zone (or now), out of quiet hours."""
    at = now
    if local is not None:
        zone = _zone(recipient.timezone)
        # fold=0: an ambiguous wall time (clocks going back) is its first occurrence; a
        # skipped one (clocks going forward) lands just after the gap, as people expect.
        at = local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
        at = max(at, now)
    return next_send_time(
        at=at,
        zone=_zone_name(recipient.timezone),
        start=recipient.quiet_hours_start,
        end=recipient.quiet_hours_end,
    )


def _zone_name(name: str) -> str:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return "UTC"
    return name


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(_zone_name(name))
