"""Stored vendor accounts come out of the vault decrypted, or saying why they cannot."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import UUID

import pytest
from cryptography.fernet import Fernet

from domain.clock import FixedClock
from domain.enums import Provider
from storage.credentials import SqlCredentialVault
from storage.crypto import CredentialCipher
from storage.db import session_factory
from storage.repositories.integrations import SqlIntegrationAccounts
from storage.uow import Database
from tests.support.factories import make_reader, seed

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
KEY = CredentialCipher([Fernet.generate_key()])


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, clock=FixedClock(NOW))
    yield database
    await database.dispose()


async def store(db: Database, reader_id: UUID, provider: Provider, blob: bytes) -> None:
    async with session_factory(db.engine)() as session:
        await SqlIntegrationAccounts(session).save_for_reader(reader_id, provider, blob, NOW)
        await session.commit()


async def test_the_right_key_reads_the_account_and_a_reconnect_changes_its_fingerprint(
    db: Database,
) -> None:
    reader = make_reader()
    await seed(db.uows, reader)
    await store(db, reader.id, Provider.ZOOM, KEY.encrypt(json.dumps({"client_id": "a"}).encode()))
    vault = SqlCredentialVault(session_factory(db.engine), KEY)

    first = (await vault.for_reader(reader.id))[Provider.ZOOM]
    assert first.info == {"client_id": "a"}
    assert first.problem is None
    await store(db, reader.id, Provider.ZOOM, KEY.encrypt(json.dumps({"client_id": "b"}).encode()))
    second = (await vault.for_reader(reader.id))[Provider.ZOOM]

    assert second.info == {"client_id": "b"}
    assert second.fingerprint != first.fingerprint


@pytest.mark.parametrize(
    ("cipher", "blob", "problem"),
    [
        (None, KEY.encrypt(b"{}"), "no key to read stored credentials"),
        (CredentialCipher([Fernet.generate_key()]), KEY.encrypt(b"{}"), "cannot be read"),
        (KEY, KEY.encrypt(b"not json"), "cannot be read"),
        (KEY, KEY.encrypt(b"[1, 2]"), "malformed"),
    ],
    ids=["no key", "another key", "not json", "not an object"],
)
async def test_an_unreadable_account_says_why_instead_of_raising(
    db: Database, cipher: CredentialCipher | None, blob: bytes, problem: str
) -> None:
    reader = make_reader()
    await seed(db.uows, reader)
    await store(db, reader.id, Provider.GOOGLE, blob)

    found = await SqlCredentialVault(session_factory(db.engine), cipher).for_reader(reader.id)

    assert found[Provider.GOOGLE].info is None
    assert problem in (found[Provider.GOOGLE].problem or "")


async def test_a_reader_without_accounts_has_none(db: Database) -> None:
    reader = make_reader()
    await seed(db.uows, reader)

    assert await SqlCredentialVault(session_factory(db.engine), KEY).for_reader(reader.id) == {}
