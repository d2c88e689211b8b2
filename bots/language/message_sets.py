"""Every enum of message ids, so the catalogs hold each one (split by area to stay small)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from bots.language.messages import Msg
from bots.language.messages_audience import AudienceMsg
from bots.language.messages_campaigns import CampaignMsg
from bots.language.messages_crm import CrmMsg
from bots.language.messages_followups import FollowUpMsg
from bots.language.messages_loyalty import LoyaltyMsg

MESSAGE_SETS: Final[tuple[type[StrEnum], ...]] = (
    Msg,
    CrmMsg,
    LoyaltyMsg,
    CampaignMsg,
    AudienceMsg,
    FollowUpMsg,
)

__all__ = ("MESSAGE_SETS",)
