"""Message ids of the campaigns part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class CampaignMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""
