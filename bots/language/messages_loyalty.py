"""Message ids of the loyalty part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class LoyaltyMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""
