"""Message ids of the audience part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class AudienceMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""
