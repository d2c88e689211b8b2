"""A campaign world: a reader, and consenting clients on Telegram or email who have each
had one past reading with that reader (a reader's segments only hold their own clients).

`EVERYONE` is a saved segment every such client is in; `NOBODY` a library segment none is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from domain.clock import FixedClock
from domain.crm.consent import record_consent
from domain.crm.segments import save_segment
from domain.enums import BookingStatus, Channel, ConsentKind, Role
from domain.models import Client, Identity, Reader
from storage.uow import Database
from tests.support.factories import make_booking, make_client, make_reader, make_service

EVERYONE = "everyone"
EVERYONE_RULE = "sessions < 3"
NOBODY = "VIP clients"  # the library's "sessions >= 10"


@dataclass
class CampaignWorld:
    database: Database
    clock: FixedClock
    reader: Reader
    clients: list[Client]


async def make_campaign_world(
    url: str,
    clock: FixedClock,
    *,
    telegram: int = 3,
    email_only: int = 0,
    zones: tuple[str, ...] = ("UTC",),
) -> CampaignWorld:
    """A reader and consenting clients (see `add_clients`)."""
    database = Database.from_url(url, clock=clock)
    reader = make_reader(email=f"reader-{uuid.uuid4().hex[:6]}@example.com")
    async with database.uows() as uow:
        await uow.readers.add(reader)
        await uow.commit()
    clients = await add_clients(
        database, clock, reader, telegram=telegram, email_only=email_only, zones=zones
    )
    return CampaignWorld(database, clock, reader, clients)


async def add_clients(
    database: Database,
    clock: FixedClock,
    reader: Reader,
    *,
    telegram: int = 3,
    email_only: int = 0,
    zones: tuple[str, ...] = ("UTC",),
) -> list[Client]:
    """Consenting clients: `telegram` with a Telegram chat, `email_only` with just an email,
    each with one completed reading a month ago; and the reader's `EVERYONE` segment."""
    clients = [
        make_client(name=f"Client {i}", timezone=zones[i % len(zones)])
        for i in range(telegram + email_only)
    ]
    service = make_service(reader)
    long_ago = clock.now() - timedelta(days=30)
    async with database.uows() as uow:
        await uow.services.add(service)
        for i, client in enumerate(clients):
            await uow.clients.add(client)
            await uow.bookings.add(
                make_booking(
                    service, client, long_ago + timedelta(hours=i),
                    status=BookingStatus.COMPLETED, created_at=long_ago,
                )
            )  # fmt: skip
            if i < telegram:
                await uow.identities.add(
                    Identity(
                        id=uuid.uuid4(), channel=Channel.TELEGRAM, workspace="",
                        external_user_id=f"{client.id.hex[:8]}{i}", role=Role.CLIENT,
                        client_id=client.id, chat_id=str(1000 + i),
                    )
                )  # fmt: skip
        await uow.commit()
    for client in clients:
        await record_consent(
            uow=database.uows(), clock=clock, client_id=client.id,
            purpose=ConsentKind.MARKETING, granted=True, source="test",
        )  # fmt: skip
    await save_segment(
        uow=database.uows(), clock=clock, reader_id=reader.id, name=EVERYONE,
        rule_text=EVERYONE_RULE,
    )  # fmt: skip
    return clients
