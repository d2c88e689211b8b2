"""Encryption of stored credentials with a key that can rotate (MultiFernet)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CredentialDecryptError(Exception):
    """Stored credentials cannot be read with any configured key."""


class CredentialCipher:
    """Encrypts with the first key, decrypts with any, so old rows survive a rotation."""

    def __init__(self, keys: Sequence[str | bytes]) -> None:
        """Build from one or more Fernet keys, newest first."""
        if not keys:
            raise ValueError("at least one encryption key is required")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError as exc:
            raise ValueError("SAMIA_SECRET_KEY must hold url-safe base64 Fernet keys") from exc

    @classmethod
    def from_setting(cls, value: str) -> CredentialCipher:
        """Comma-separated keys, newest first (`new,old` during a rotation)."""
        return cls([part.strip() for part in value.split(",") if part.strip()])

    def encrypt(self, plaintext: bytes) -> bytes:
        """Encrypt with the newest key."""
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        """Decrypt with whichever key made the token."""
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise CredentialDecryptError(
                "stored credentials cannot be decrypted with SAMIA_SECRET_KEY"
            ) from None

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt an old token under the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise CredentialDecryptError(
                "stored credentials cannot be decrypted with SAMIA_SECRET_KEY"
            ) from None


def load_or_create_key_file(path: Path) -> str:
    """Read var/secret.key, creating it once with mode 0600 if it does not exist."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # O_EXCL: two processes starting together must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key.decode()
