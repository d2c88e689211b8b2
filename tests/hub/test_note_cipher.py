"""Private notes are sealed with a key of their own, derived from any SAMIA_SECRET_KEY."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from hub.secrets import credential_cipher, note_cipher
from hub.settings import load_settings
from storage.crypto import CredentialDecryptError


def test_a_passphrase_secret_seals_notes_and_the_same_phrase_opens_them() -> None:
    phrase = load_settings(secret_key="a long shop passphrase")
    sealed = note_cipher(phrase).encrypt(b"prefers evening")
    assert note_cipher(load_settings(secret_key="a long shop passphrase")).decrypt(sealed) == (
        b"prefers evening"
    )
    with pytest.raises(CredentialDecryptError):
        note_cipher(load_settings(secret_key="another phrase")).decrypt(sealed)


def test_notes_never_share_the_credential_key_and_rotate_with_the_secret() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = load_settings(secret_key=old)
    note = note_cipher(before).encrypt(b"asks about career")
    with pytest.raises(CredentialDecryptError):
        credential_cipher(before).decrypt(note)
    rotated = load_settings(secret_key=f"{new},{old}")
    assert note_cipher(rotated).decrypt(note) == b"asks about career"
