"""`CredentialVault` over `integration_accounts` and the Fernet key ring."""

from __future__ import annotations

import hashlib
import json
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import Provider
from domain.ports.credentials import StoredCredential
from storage.crypto import CredentialCipher, CredentialDecryptError
from storage.repositories.integrations import SqlIntegrationAccounts


class SqlCredentialVault:
    """Reads ciphertext in its own short read, decrypts here; plaintext never reaches SQL."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher | None
    ) -> None:
        """No key means every stored account reads as unusable, not as an error."""
        self._sessions = sessions
        self._cipher = cipher

    async def for_reader(self, reader_id: UUID) -> dict[Provider, StoredCredential]:
        """The reader's own accounts, decrypted."""
        async with self._sessions() as session:
            found = await SqlIntegrationAccounts(session).for_reader(reader_id)
        return {provider: self._open(provider, blob) for provider, blob in found.items()}

    def _open(self, provider: Provider, blob: bytes) -> StoredCredential:
        """Decrypt one account; what cannot be read says so instead of raising."""
        fingerprint = hashlib.sha256(blob).hexdigest()
        if self._cipher is None:
            return StoredCredential(
                provider, fingerprint, None, "no key to read stored credentials"
            )
        try:
            info = json.loads(self._cipher.decrypt(blob))
        except (CredentialDecryptError, ValueError):
            return StoredCredential(
                provider, fingerprint, None, "stored credentials cannot be read"
            )
        if not isinstance(info, dict):
            return StoredCredential(provider, fingerprint, None, "stored credentials are malformed")
        return StoredCredential(provider, fingerprint, info)
