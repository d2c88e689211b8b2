"""Message ids of the crm part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class CrmMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""
