"""What an email audience tells us (Mailchimp's list webhooks), applied once per delivery.

Mailchimp's deliveries carry no id, so a delivery is known by its type, `fired_at`, list
and email; it is recorded in `inbound_events` in the same transaction as its effect, so a
redelivery (Mailchimp retries for 75 minutes) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.clock import Clock
from domain.crm.consent import record_in
from domain.enums import ConsentKind, Provider
from domain.ports.storage import UnitOfWork

SOURCE = "mailchimp"


class AudienceEventKind(StrEnum):
    """The list events we act on (Mailchimp's `type` values)."""

    UNSUBSCRIBE = "unsubscribe"
    CLEANED = "cleaned"
    PROFILE = "profile"
    UPEMAIL = "upemail"


@dataclass(frozen=True, slots=True)
class AudienceEvent:
    """One list event, already parsed from the form body."""

    kind: AudienceEventKind
    fired_at: str
    list_id: str
    email: str
    name: str | None = None
    language: str | None = None
    raw: dict[str, Any] | None = None

    @property
    def delivery_id(self) -> str:
        """What tells a redelivery from a new event (there is no event id)."""
        return f"{self.kind.value}|{self.fired_at}|{self.list_id}|{self.email.strip().lower()}"


async def apply_audience_event(*, uow: UnitOfWork, clock: Clock, event: AudienceEvent) -> str:
    """Withdraw marketing everywhere, or update the profile; "duplicate" when seen before."""
    async with uow:
        now = clock.now()
        if not await uow.inbound.record(
            Provider.MAILCHIMP.value, event.delivery_id, event.raw or {}, now
        ):
            return "duplicate"
        client_id = await uow.consent.client_by_email(event.email)
        outcome = "unknown_client"
        if client_id is not None and event.kind in (
            AudienceEventKind.UNSUBSCRIBE,
            AudienceEventKind.CLEANED,
        ):
            await record_in(uow, clock, client_id, ConsentKind.MARKETING, False, SOURCE, None)
            outcome = "withdrawn"
        elif client_id is not None and event.kind is AudienceEventKind.PROFILE:
            await uow.consent.update_profile(client_id, event.name, event.language)
            outcome = "profile"
        elif client_id is not None:
            outcome = "ignored"  # an address change is the client's to make with us
        await uow.inbound.mark_processed(Provider.MAILCHIMP.value, event.delivery_id, now)
        await uow.commit()
    return outcome
