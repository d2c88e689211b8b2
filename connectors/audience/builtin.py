"""The built-in email audience (no account): campaign emails wait in the local outbox.

There is no external list to keep, so `upsert_contacts` makes no call; a campaign is one
held email per address (`samia outbox`, `/outbox`), written once per campaign key.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.ports.audience import AudienceContact, CampaignOutbox, EmailCampaign, UpsertOutcome

AUDIENCE_ID = "builtin"


class BuiltinEmailAudience:
    """`EmailAudience` over the local email outbox."""

    provider = "builtin"

    def __init__(self, outbox: CampaignOutbox) -> None:
        """Hold campaign emails in this outbox."""
        self._outbox = outbox

    async def upsert_contacts(self, contacts: Sequence[AudienceContact]) -> UpsertOutcome:
        """Nothing to keep outside: our own tables are the audience."""
        del contacts
        return UpsertOutcome(calls=0)

    async def send_campaign(self, campaign: EmailCampaign) -> str:
        """One held email per distinct address, once per key."""
        seen: dict[str, None] = dict.fromkeys(e.strip().lower() for e in campaign.emails if e)
        subject = campaign.subject
        text = f"{campaign.body_text}\n\n-- {campaign.from_name}"
        return await self._outbox.hold_campaign(
            campaign.key, [(email, subject, text) for email in seen]
        )
