"""Where the credential-encryption key comes from."""

from __future__ import annotations

import base64
import hashlib

from hub.settings import Settings
from storage.crypto import CredentialCipher, load_or_create_key_file


def credential_cipher(settings: Settings) -> CredentialCipher:
    """SAMIA_SECRET_KEY if set, else var/secret.key (generated once, mode 0600)."""
    if settings.secret_key is not None:
        return CredentialCipher.from_setting(settings.secret_key.get_secret_value())
    return CredentialCipher.from_setting(load_or_create_key_file(settings.var_dir / "secret.key"))


def secret_key_material(settings: Settings) -> bytes:
    """The hub's secret key as bytes, for keys derived from it (web chat session tags)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    return load_or_create_key_file(settings.var_dir / "secret.key").encode()


def note_cipher(settings: Settings) -> CredentialCipher:
    """Private notes' own keys, derived from the hub secret (any phrase; rotates with it).

    Derived rather than the credential key itself, so notes and stored tokens never share
    a key, and a SAMIA_SECRET_KEY that is a passphrase still seals notes.
    """
    parts = [p.strip() for p in secret_key_material(settings).decode().split(",") if p.strip()]
    keys = [
        base64.urlsafe_b64encode(hashlib.sha256(b"samia-notes\0" + part.encode()).digest())
        for part in parts
    ]
    return CredentialCipher(keys)
