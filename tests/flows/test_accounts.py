"""Which connectors serve a reader: their own encrypted accounts, the platform's, built-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from domain.enums import Provider
from domain.errors import AuthExpired
from domain.models import Reader
from domain.ports.calendar import SessionEvent
from domain.ports.meetings import MeetingRequest
from hub.accounts import ProviderAccounts
from hub.secrets import credential_cipher
from hub.settings import Settings, load_settings
from storage.credentials import SqlCredentialVault
from storage.db import session_factory
from storage.repositories.integrations import SqlIntegrationAccounts
from storage.uow import Database
from tests.support.factories import make_reader
from tests.support.fakes.google_calendar_api import GoogleCalendarApiFake
from tests.support.fakes.zoom_api import ZoomApiFake

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


@pytest.fixture(scope="module")
def google() -> Iterator[GoogleCalendarApiFake]:
    with GoogleCalendarApiFake(access_token="ya29.reader-token", refresh_token="r-1") as server:
        yield server


@pytest.fixture(scope="module")
def zoom() -> Iterator[ZoomApiFake]:
    with ZoomApiFake(account_id="own-acc", client_id="own-id", client_secret="own-sec") as server:
        yield server


class Setup:
    def __init__(self, settings: Settings, database: Database, google_token_uri: str) -> None:
        self.settings = settings
        self.database = database
        self.cipher = credential_cipher(settings)
        self.accounts = ProviderAccounts(
            settings,
            vault=SqlCredentialVault(session_factory(database.engine), self.cipher),
            google_token_uri=google_token_uri,
        )

    async def reader(self, **fields: Any) -> Reader:
        reader = make_reader(**fields)
        async with self.database.uows() as uow:
            await uow.readers.add(reader)
            await uow.commit()
        return reader

    async def store(self, reader: Reader, provider: Provider, blob: bytes) -> None:
        async with session_factory(self.database.engine)() as session:
            await SqlIntegrationAccounts(session).save_for_reader(
                reader.id, provider, blob, datetime.now(UTC)
            )
            await session.commit()


@pytest.fixture
async def setup(
    database_url: str, tmp_path: Path, google: GoogleCalendarApiFake, zoom: ZoomApiFake
) -> AsyncIterator[Setup]:
    google.reset()
    zoom.reset()
    settings = load_settings(
        database_url=database_url,
        var_dir=tmp_path,
        secret_key=Fernet.generate_key().decode(),
        google_api_url=google.url,
        zoom_api_url=f"{zoom.url}/v2/",
        zoom_oauth_url=f"{zoom.url}/oauth/token",
    )
    database = Database.from_url(database_url)
    built = Setup(settings, database, f"{google.url}/token")
    yield built
    await built.accounts.aclose()
    await database.dispose()


async def test_with_no_accounts_a_reader_gets_the_built_in_calendar_and_their_room(
    setup: Setup,
) -> None:
    with_room = await setup.reader(room_url="https://meet.example/samia")
    without = await setup.reader()

    first = await setup.accounts.for_reader(with_room)
    second = await setup.accounts.for_reader(without)

    assert (first.calendar_provider, first.meeting_provider) == ("local", "room")
    assert not first.external_calendar
    assert second.meetings is None


async def test_a_readers_own_google_account_writes_to_their_primary_calendar(
    setup: Setup, google: GoogleCalendarApiFake
) -> None:
    reader = await setup.reader()
    grant = {
        "type": "authorized_user",
        "client_id": "c",
        "client_secret": "s",
        "refresh_token": "r-1",
    }
    await setup.store(reader, Provider.GOOGLE, setup.cipher.encrypt(json.dumps(grant).encode()))

    found = await setup.accounts.for_reader(reader)
    event = SessionEvent(reader.id, "Reading", "", SOON, SOON + timedelta(minutes=30), "UTC")
    await found.calendar.create_event(
        calendar_id=found.calendar_id, event=event, idempotency_key="booking:x"
    )

    assert (found.calendar_provider, found.calendar_id) == ("google", "primary")
    assert [e["summary"] for e in google.events("primary")] == ["Reading"]
    assert google.calls("oauth.token")  # the reader's refresh token was exchanged


async def test_a_readers_own_zoom_app_hosts_their_meetings(setup: Setup, zoom: ZoomApiFake) -> None:
    reader = await setup.reader()
    app = {"account_id": "own-acc", "client_id": "own-id", "client_secret": "own-sec"}
    await setup.store(reader, Provider.ZOOM, setup.cipher.encrypt(json.dumps(app).encode()))

    found = await setup.accounts.for_reader(reader)
    request = MeetingRequest(reader.id, "Reading", SOON, 30, "UTC", found.meeting_host)
    ref = await found.meetings.create_meeting(request=request, idempotency_key="k")  # type: ignore[union-attr]

    assert (found.meeting_provider, found.meeting_host) == ("zoom", "me")
    assert [m["id"] for m in zoom.live_meetings("me")] == [int(ref.meeting_id)]


async def test_credentials_that_cannot_be_read_ask_for_a_reconnect(setup: Setup) -> None:
    reader = await setup.reader()
    await setup.store(reader, Provider.GOOGLE, b"not a fernet token")

    with pytest.raises(AuthExpired) as refused:
        await setup.accounts.for_reader(reader)

    assert refused.value.provider == "google"
