"""Where the credential-encryption key comes from."""

from __future__ import annotations

from hub.settings import Settings
from storage.crypto import CredentialCipher, load_or_create_key_file


def credential_cipher(settings: Settings) -> CredentialCipher:
    """SAMIA_SECRET_KEY if set, else var/secret.key (generated once, mode 0600)."""
    if settings.secret_key is not None:
        return CredentialCipher.from_setting(settings.secret_key.get_secret_value())
    return CredentialCipher.from_setting(load_or_create_key_file(settings.var_dir / "secret.key"))
