"""Stored credentials are encrypted, readable after a key rotation, and the key file is private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from storage.crypto import CredentialCipher, CredentialDecryptError, load_or_create_key_file


def test_encrypt_then_decrypt_round_trips() -> None:
    cipher = CredentialCipher([Fernet.generate_key()])

    token = cipher.encrypt(b'{"refresh_token": "abc"}')

    assert b"abc" not in token
    assert cipher.decrypt(token) == b'{"refresh_token": "abc"}'


def test_old_tokens_still_decrypt_after_rotation_and_rotate_to_the_new_key() -> None:
    old_key, new_key = Fernet.generate_key(), Fernet.generate_key()
    old_token = CredentialCipher([old_key]).encrypt(b"secret")
    rotated = CredentialCipher.from_setting(f"{new_key.decode()},{old_key.decode()}")

    assert rotated.decrypt(old_token) == b"secret"
    new_token = rotated.rotate(old_token)
    assert CredentialCipher([new_key]).decrypt(new_token) == b"secret"


def test_wrong_key_gives_a_clear_error_not_a_crash() -> None:
    token = CredentialCipher([Fernet.generate_key()]).encrypt(b"secret")

    with pytest.raises(CredentialDecryptError, match="SAMIA_SECRET_KEY"):
        CredentialCipher([Fernet.generate_key()]).decrypt(token)


def test_malformed_key_is_refused_with_the_setting_named() -> None:
    with pytest.raises(ValueError, match="SAMIA_SECRET_KEY"):
        CredentialCipher.from_setting("not-a-key")


def test_key_file_is_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret.key"

    first = load_or_create_key_file(path)
    second = load_or_create_key_file(path)

    assert first == second
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    CredentialCipher([first])  # a valid Fernet key
