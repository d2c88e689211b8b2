"""A reader's own vendor accounts, as the composition root needs them to build connectors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from domain.enums import Provider


@dataclass(frozen=True, slots=True)
class StoredCredential:
    """One stored account, already decrypted, or why it cannot be used."""

    provider: Provider
    # Changes whenever the reader reconnects, so a connector built from it can be cached.
    fingerprint: str
    info: Mapping[str, Any] | None
    problem: str | None = None


class CredentialVault(Protocol):
    """Encrypted per-reader credentials, decrypted only behind this port."""

    async def for_reader(self, reader_id: UUID) -> dict[Provider, StoredCredential]:
        """The reader's own accounts by provider.

        Args:
            reader_id: Our id.

        Returns:
            One entry per stored account. An account that cannot be read (no key, a key
            that does not match, not a JSON object) has `info` None and says why in
            `problem`, so the caller can ask the reader to connect again.
        """
        ...
