"""SQL repositories and the unit of work, on SQLite and PostgreSQL (bookings: own module)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from domain.clock import FixedClock
from domain.enums import AvailabilityExceptionKind, Channel, OutboxKind, OutboxStatus
from domain.errors import NotFound
from domain.models import DatedException, OutboxEntry, WeeklyHours
from storage.models import OutboxMessage
from storage.uow import Database
from tests.support.factories import (
    NOW,
    make_client,
    make_identity,
    make_reader,
    make_service,
    seed,
    seed_client,
    seed_reader_with_service,
)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, clock=FixedClock(NOW))
    yield database
    await database.dispose()


class TestReaders:
    async def test_round_trip_and_lookups(self, db: Database) -> None:
        reader = make_reader(
            booking_slug="book-samia", languages=["en", "ar"], display_name="Samia T."
        )
        await seed(db.uows, reader)

        async with db.uows() as uow:
            assert await uow.readers.get(reader.id) == reader
            assert await uow.readers.get_by_slug(reader.slug) == reader
            assert await uow.readers.get_by_slug("book-samia") == reader
            assert await uow.readers.get_by_slug("nobody") is None
            assert await uow.readers.get(uuid.uuid4()) is None

    async def test_list_active_skips_inactive_and_sorts_by_name(self, db: Database) -> None:
        zara, amal = make_reader(name="Zara"), make_reader(name="Amal")
        await seed(db.uows, zara, amal, make_reader(name="Bea", is_active=False))

        async with db.uows() as uow:
            assert [r.name for r in await uow.readers.list_active()] == ["Amal", "Zara"]

    async def test_lock_schedule_can_be_taken_twice_and_refuses_unknown_readers(
        self, db: Database
    ) -> None:
        reader = make_reader()
        await seed(db.uows, reader)

        async with db.uows() as uow:
            await uow.readers.lock_schedule(reader.id)
            await uow.readers.lock_schedule(reader.id)  # the same transaction: no deadlock
            await uow.commit()
            with pytest.raises(NotFound):
                await uow.readers.lock_schedule(uuid.uuid4())

    async def test_a_second_booker_waits_for_the_schedule_lock_until_the_first_commits(
        self, postgres_url: str
    ) -> None:
        database = Database.from_url(postgres_url)
        reader = make_reader()
        await seed(database.uows, reader)
        first_done = asyncio.Event()

        async def second() -> bool:
            async with database.uows() as uow:
                await uow.readers.lock_schedule(reader.id)
                waited_for_first = first_done.is_set()
                await uow.commit()
            return waited_for_first

        async with database.uows() as uow:
            await uow.readers.lock_schedule(reader.id)
            waiting = asyncio.create_task(second())
            await asyncio.sleep(0.3)
            assert not waiting.done()  # blocked on the lock
            first_done.set()
            await uow.commit()
        assert await waiting is True
        await database.dispose()


class TestServices:
    async def test_round_trip_and_active_services_by_price_then_name(self, db: Database) -> None:
        reader, cheap = await seed_reader_with_service(db.uows, price_minor=1000)
        other_reader, _ = await seed_reader_with_service(db.uows)
        pricey_b = make_service(reader, name="B", price_minor=5000)
        pricey_a = make_service(reader, name="A", price_minor=5000, description="Deep dive")
        await seed(db.uows, pricey_b, pricey_a, make_service(reader, is_active=False))

        async with db.uows() as uow:
            assert await uow.services.get(pricey_a.id) == pricey_a
            assert await uow.services.get(uuid.uuid4()) is None
            assert await uow.services.for_reader(reader.id) == [cheap, pricey_a, pricey_b]
            assert len(await uow.services.for_reader(other_reader.id)) == 1


class TestAvailability:
    async def test_replace_weekday_replaces_only_that_day(self, db: Database) -> None:
        reader = make_reader()
        await seed(db.uows, reader)
        monday = [WeeklyHours(0, time(14), time(18)), WeeklyHours(0, time(9), time(12))]
        tuesday = [WeeklyHours(1, time(10), time(0))]

        async with db.uows() as uow:
            await uow.availability.replace_weekday(reader.id, 0, monday)
            await uow.availability.replace_weekday(reader.id, 1, tuesday)
            await uow.availability.replace_weekday(reader.id, 0, monday[:1])
            await uow.commit()

        async with db.uows() as uow:
            assert await uow.availability.weekly(reader.id) == [monday[0], tuesday[0]]
            await uow.availability.replace_weekday(reader.id, 1, [])
            assert await uow.availability.weekly(reader.id) == [monday[0]]
            with pytest.raises(ValueError, match="weekday"):
                await uow.availability.replace_weekday(reader.id, 2, monday)

    async def test_exceptions_in_an_inclusive_day_range_all_day_first(self, db: Database) -> None:
        reader = make_reader()
        await seed(db.uows, reader)
        extra = DatedException(
            date(2026, 12, 1), AvailabilityExceptionKind.EXTRA_HOURS, time(19), time(21)
        )
        off = DatedException(date(2026, 12, 1), AvailabilityExceptionKind.TIME_OFF, note="trip")
        last = DatedException(date(2026, 12, 3), AvailabilityExceptionKind.TIME_OFF)
        outside = DatedException(date(2026, 12, 4), AvailabilityExceptionKind.TIME_OFF)

        async with db.uows() as uow:
            for exception in (extra, off, last, outside):
                await uow.availability.add_exception(reader.id, exception)
            await uow.commit()

        async with db.uows() as uow:
            found = await uow.availability.exceptions(
                reader.id, date(2026, 12, 1), date(2026, 12, 3)
            )
        assert found == [off, extra, last]


class TestClients:
    async def test_email_is_stored_lower_case_and_found_in_any_case(self, db: Database) -> None:
        client = make_client(email="Lina.Q@Example.COM", phone="+44 7700 900123")
        await seed(db.uows, client)
        assert client.email == "lina.q@example.com"
        assert client.created_at == NOW

        async with db.uows() as uow:
            assert await uow.clients.get(client.id) == client
            assert await uow.clients.get_by_email("LINA.Q@example.com") == client
            assert await uow.clients.get_by_email("other@example.com") is None

    async def test_save_writes_contact_details_and_preferences(self, db: Database) -> None:
        client = await seed_client(db.uows)
        referrer = await seed_client(db.uows)
        client.email = "New@Example.com"
        client.preferred_channel = Channel.TELEGRAM
        client.marketing_consent = True
        client.referred_by_id = referrer.id
        client.language = "ar"

        async with db.uows() as uow:
            await uow.clients.save(client)
            await uow.commit()
            with pytest.raises(NotFound):
                await uow.clients.save(make_client())

        async with db.uows() as uow:
            assert await uow.clients.get_by_email("new@example.com") == client


class TestIdentities:
    async def test_find_save_and_most_recently_active_first(self, db: Database) -> None:
        reader = make_reader()
        client = make_client()
        older = make_identity(client=client, last_inbound_at=NOW - timedelta(days=2))
        newer = make_identity(client=client, channel=Channel.TELEGRAM, chat_id="42")
        silent = make_identity(client=client, channel=Channel.SLACK, workspace="T1")
        reader_account = make_identity(reader=reader, channel=Channel.SLACK, workspace="T1")
        await seed(db.uows, reader, client, older, silent, newer, reader_account)
        newer = replace(newer, last_inbound_at=NOW, locale="fr", display_name="Lina")

        async with db.uows() as uow:
            await uow.identities.save(newer)
            await uow.commit()
            with pytest.raises(NotFound):
                await uow.identities.save(make_identity(client=client))

        async with db.uows() as uow:
            found = await uow.identities.find(Channel.TELEGRAM, "", newer.external_user_id)
            assert found == newer
            assert await uow.identities.find(Channel.TELEGRAM, "other", "x") is None
            assert await uow.identities.for_client(client.id) == [newer, older, silent]
            assert await uow.identities.for_reader(reader.id) == [reader_account]

    async def test_link_code_works_once_and_not_after_expiry(self, db: Database) -> None:
        reader = make_reader()
        await seed(db.uows, reader)
        live, expired = _hash("live-code"), _hash("old-code")

        async with db.uows() as uow:
            await uow.identities.add_link_code(
                code_hash=live,
                reader_id=reader.id,
                admin_id=None,
                expires_at=NOW + timedelta(hours=1),
                now=NOW,
            )
            await uow.identities.add_link_code(
                code_hash=expired, reader_id=reader.id, admin_id=None, expires_at=NOW, now=NOW
            )
            await uow.commit()

        async with db.uows() as uow:
            assert await uow.identities.consume_link_code(expired, NOW) is None
            assert await uow.identities.consume_link_code(live, NOW) == (reader.id, None)
            assert await uow.identities.consume_link_code(live, NOW) is None
            assert await uow.identities.consume_link_code(_hash("unknown"), NOW) is None
            await uow.commit()

        async with db.uows() as uow:
            assert await uow.identities.consume_link_code(live, NOW) is None


class TestPackages:
    async def test_grant_consume_restore(self, db: Database) -> None:
        _, service = await seed_reader_with_service(db.uows)
        client = await seed_client(db.uows)

        async with db.uows() as uow:
            assert await uow.packages.available_credit(client.id, service.id, NOW) is None
            credit = await uow.packages.grant(
                client_id=client.id,
                service_id=service.id,
                sessions_total=2,
                sessions_remaining=1,
                now=NOW,
            )
            assert await uow.packages.available_credit(client.id, service.id, NOW) == credit
            assert await uow.packages.consume(credit) is True
            assert await uow.packages.consume(credit) is False
            assert await uow.packages.available_credit(client.id, service.id, NOW) is None
            for _ in range(3):
                await uow.packages.restore(credit)
            assert await uow.packages.consume(credit) is True
            assert await uow.packages.consume(credit) is True
            assert await uow.packages.consume(credit) is False


class TestOutbox:
    async def test_duplicate_key_returns_false_and_the_transaction_still_commits(
        self, db: Database
    ) -> None:
        entry = OutboxEntry(
            key="booking:1:confirmed",
            kind=OutboxKind.BOOKING_CONFIRMED,
            payload={"booking_id": "1", "n": [1, 2]},
        )
        reader = make_reader()

        async with db.uows() as uow:
            assert await uow.outbox.add(entry, NOW) is True
            assert await uow.outbox.add(entry, NOW + timedelta(seconds=1)) is False
            await uow.readers.add(reader)
            await uow.commit()

        async with db.uows() as uow:
            assert await uow.outbox.add(entry, NOW) is False
            assert await uow.readers.get(reader.id) == reader
            row = (await uow.session.scalars(sa.select(OutboxMessage))).one()
            assert (row.key, row.kind, row.payload) == (entry.key, entry.kind, entry.payload)
            assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
            assert row.next_attempt_at == row.created_at == NOW


class TestUnitOfWork:
    async def test_leaving_without_commit_rolls_back(self, db: Database) -> None:
        reader = make_reader()
        async with db.uows() as uow:
            await uow.readers.add(reader)
            assert await uow.readers.get(reader.id) == reader

        async def fail_midway() -> None:
            async with db.uows() as uow:
                await uow.clients.add(make_client(email="gone@example.com"))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            await fail_midway()

        async with db.uows() as uow:
            assert await uow.readers.get(reader.id) is None
            assert await uow.clients.get_by_email("gone@example.com") is None

    async def test_work_after_commit_needs_its_own_commit(self, db: Database) -> None:
        first, second = make_reader(), make_reader()
        async with db.uows() as uow:
            await uow.readers.add(first)
            await uow.commit()
            await uow.readers.add(second)

        async with db.uows() as uow:
            assert await uow.readers.get(first.id) == first
            assert await uow.readers.get(second.id) is None

    async def test_a_unit_of_work_is_entered_once(self, db: Database) -> None:
        uow = db.uows()
        async with uow:
            pass
        with pytest.raises(RuntimeError, match="entered once"):
            async with uow:
                pass


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class TestInboundDeliveries:
    async def test_a_batch_records_new_ids_once_and_reports_every_repeat(
        self, db: Database
    ) -> None:
        async with db.uows() as uow:
            await uow.inbound.record_many([("telegram", "1", {"n": 1})], NOW)
            await uow.commit()

        async with db.uows() as uow:
            fresh = await uow.inbound.record_many(
                [
                    ("telegram", "1", {"n": 1}),  # recorded before
                    ("telegram", "2", {"n": 2}),
                    ("slack", "2", {"n": 2}),  # same id, another provider: new
                    ("telegram", "2", {"n": 2}),  # repeated within the batch
                ],
                NOW,
            )
            await uow.commit()

        assert fresh == [False, True, True, False]

    async def test_a_batch_larger_than_one_statement_is_recorded_whole(self, db: Database) -> None:
        deliveries = [("meta", f"mid.{n}", {"n": n}) for n in range(1_500)]
        async with db.uows() as uow:
            fresh = await uow.inbound.record_many(deliveries, NOW)
            await uow.commit()
        async with db.uows() as uow:
            again = await uow.inbound.record_many(deliveries[-3:], NOW)

        assert fresh == [True] * 1_500
        assert again == [False] * 3
