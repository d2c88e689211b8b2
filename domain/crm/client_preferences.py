"""What a client sets for themselves about messages: offers on or off, "only email",
quiet hours, and the summary they see. The consent rules themselves are in `consent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from uuid import UUID

from domain.clock import Clock
from domain.crm.consent import CHAT_CHANNELS, marketing_allowed, record_in
from domain.enums import Channel, ConsentKind
from domain.errors import InvalidRequest, NotFound
from domain.ports.storage import UnitOfWork

CHAT_SOURCE = "chat"
EMAIL_LINK_SOURCE = "email link"


@dataclass(frozen=True, slots=True)
class MessagingSummary:
    """Everything "my preferences" shows about messages."""

    marketing: dict[Channel, bool]
    service: bool
    email: str | None
    preferred_channel: Channel | None
    quiet_start: time | None
    quiet_end: time | None

    @property
    def marketing_by_chat(self) -> bool:
        """Offers may reach at least one chat channel."""
        return any(self.marketing[c] for c in CHAT_CHANNELS)


async def set_marketing(
    *,
    uow: UnitOfWork,
    clock: Clock,
    client_id: UUID,
    granted: bool,
    source: str,
    channel: Channel | None = None,
) -> None:
    """Offers on or off everywhere; a chat "start" also makes that chat the preferred one."""
    async with uow:
        await record_in(uow, clock, client_id, ConsentKind.MARKETING, granted, source, None)
        if granted and channel is not None:
            await uow.consent.set_preferred_channel(client_id, channel)
        await uow.commit()


async def email_only(*, uow: UnitOfWork, clock: Clock, client_id: UUID, source: str) -> str | None:
    """Offers by email and on no chat, in one transaction; returns the address, if any.

    Asking for email is a grant when offers were off; every chat's withdrawal is stamped
    after it, so it wins on those channels. Email becomes the preferred channel when the
    client has an address, so campaigns choose it.
    """
    async with uow:
        profile = await uow.consent.profile(client_id)
        client = await uow.clients.get(client_id)
        if profile is None or client is None:
            raise NotFound("client not found")
        if not profile.marketing_consent:
            await record_in(uow, clock, client_id, ConsentKind.MARKETING, True, source, None)
        for chat in CHAT_CHANNELS:
            await record_in(uow, clock, client_id, ConsentKind.MARKETING, False, source, chat)
        if client.email:
            await uow.consent.set_preferred_channel(client_id, Channel.EMAIL)
        await uow.commit()
    return client.email


async def set_quiet_hours(
    *, uow: UnitOfWork, client_id: UUID, start: time | None, end: time | None
) -> None:
    """Quiet hours in the client's own time (both ends, or neither to clear them)."""
    if (start is None) != (end is None):
        raise InvalidRequest("quiet hours need both ends")
    if start is not None and start == end:
        raise InvalidRequest("quiet hours need a start and an end that differ")
    async with uow:
        if await uow.consent.profile(client_id) is None:
            raise NotFound("client not found")
        await uow.consent.set_quiet_hours(client_id, start, end)
        await uow.commit()


async def messaging_summary(*, uow: UnitOfWork, client_id: UUID) -> MessagingSummary:
    """Consent per purpose and channel, quiet hours and the preferred channel."""
    async with uow:
        profile = await uow.consent.profile(client_id)
        client = await uow.clients.get(client_id)
        if profile is None or client is None:
            raise NotFound("client not found")
        marketing = await uow.consent.history(client_id, ConsentKind.MARKETING)
        service = await uow.consent.history(client_id, ConsentKind.SERVICE)
    allowed = {
        channel: not profile.erased
        and marketing_allowed(
            consent=profile.marketing_consent,
            consent_at=profile.marketing_consent_at,
            history=marketing,
            channel=channel,
        )
        for channel in Channel
    }
    global_service = [e for e in service if e.channel is None]
    return MessagingSummary(
        marketing=allowed,
        service=not global_service or global_service[-1].granted,
        email=client.email,
        preferred_channel=profile.preferred_channel,
        quiet_start=profile.quiet_hours_start,
        quiet_end=profile.quiet_hours_end,
    )
