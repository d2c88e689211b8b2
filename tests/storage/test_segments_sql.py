"""Segments evaluated in SQL against a small hand-counted data set, and private notes.

Run on SQLite and, with SAMIA_TEST_DATABASE_URL set, on PostgreSQL (the `database_url`
fixture is parametrized over both).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from domain.clock import FixedClock
from domain.crm import records
from domain.crm.segments import (
    LIBRARY,
    SegmentRuleError,
    parse_rule,
    resolve_segment,
    save_segment,
    segment_count,
)
from domain.enums import BookingStatus, PaymentStatus, PricingModel
from domain.errors import NotFound
from storage import models
from storage.crypto import CredentialCipher
from storage.uow import Database, SqlUnitOfWork
from tests.support.factories import make_booking, make_client, make_reader, make_service, seed

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass
class World:
    database: Database
    clock: FixedClock
    samia: uuid.UUID
    layla: uuid.UUID
    clients: dict[str, uuid.UUID]


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    clock = FixedClock(NOW)
    database = Database.from_url(database_url, clock=clock)
    samia, layla = make_reader(name="Samia"), make_reader(name="Layla", slug="layla-x")
    reading, other = make_service(samia), make_service(layla)
    package = make_service(samia, pricing_model=PricingModel.PACKAGE, package_sessions=5)
    people = {
        "maria": make_client(name="Maria One", country="AE", language="ar", marketing_consent=True),
        "omar": make_client(name="Omar", country="GB"),
        "lina": make_client(name="Lina", country="AE", marketing_consent=True),
        "zed": make_client(name="Zed"),
        "gone": make_client(name="Gone", marketing_consent=True),
        "never": make_client(name="Never", country="AE"),
        "maria2": make_client(name="Maria Two"),
    }
    done = BookingStatus.COMPLETED
    plan = [
        *[(reading, "maria", -d, done) for d in (100, 95, 90, 80)],
        *[(reading, "omar", -d, done) for d in (70, 65, 62)],
        (reading, "omar", 5, BookingStatus.CONFIRMED),
        (reading, "lina", -5, done),
        (other, "zed", -3, done),
        (reading, "gone", -10, done),
        (reading, "maria2", -200, BookingStatus.CANCELLED),
    ]
    bookings = [
        make_booking(svc, people[who], NOW + days * DAY + timedelta(hours=n), status=status)
        for n, (svc, who, days, status) in enumerate(plan)
    ]
    await seed(database.uows, samia, layla, reading, other, package, *people.values(), *bookings)
    by = {b.id: b for b in bookings}
    maria_first = bookings[0]
    async with database.uows() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        s = uow.session
        await s.execute(
            sa.update(models.Client)
            .where(models.Client.id == people["maria"].id)
            .values(birthday=date(1990, 12, 20))
        )
        await s.execute(
            sa.update(models.Client)
            .where(models.Client.id == people["omar"].id)
            .values(birthday=date(1985, 3, 1))
        )
        await s.execute(
            sa.update(models.Client)
            .where(models.Client.id == people["gone"].id)
            .values(erased_at=NOW - DAY)
        )
        for booking, stars in ((maria_first, 5), (bookings[4], 4), (bookings[9], 5)):
            s.add(
                models.Rating(
                    id=uuid.uuid4(), booking_id=booking.id, reader_id=booking.reader_id,
                    client_id=booking.client_id, stars=stars, created_at=NOW,
                )
            )  # fmt: skip
        paid = [*bookings[:4], bookings[4]]
        for booking in paid:
            s.add(
                models.Payment(
                    id=uuid.uuid4(), booking_id=booking.id, reader_id=booking.reader_id,
                    client_id=booking.client_id, amount_minor=4500, currency="GBP",
                    settlement_amount_minor=4500, settlement_currency="GBP",
                    provider="manual", status=PaymentStatus.SUCCEEDED, created_at=NOW,
                )
            )  # fmt: skip
        s.add(
            models.PackageCredit(
                id=uuid.uuid4(), client_id=people["lina"].id, service_id=package.id,
                sessions_total=5, sessions_remaining=4, purchased_at=NOW - 6 * DAY,
            )
        )  # fmt: skip
        s.add(
            models.ReadingSession(
                id=uuid.uuid4(), booking_id=maria_first.id, medium=maria_first.service_kind,
                started_at=maria_first.starts_at, duration_seconds=3300,
            )
        )  # fmt: skip
        await uow.commit()
    del by
    try:
        yield World(database, clock, samia.id, layla.id, {k: v.id for k, v in people.items()})
    finally:
        await database.dispose()


async def count(world: World, rule: str, *, reader: bool = True, marketing: bool = False) -> int:
    return await segment_count(
        uow=world.database.uows(read_only=True),
        clock=world.clock,
        reader_id=world.samia if reader else None,
        rule=parse_rule(rule),
        marketing_only=marketing,
    )


@pytest.mark.parametrize(
    ("rule", "reader_count", "platform_count"),
    [
        (LIBRARY["lapsed"].rule_text, 1, 1),  # maria (omar has one booked ahead)
        (LIBRARY["five_stars"].rule_text, 1, 2),  # maria; + zed with layla
        (LIBRARY["package_buyers"].rule_text, 1, 1),  # lina
        (LIBRARY["birthday_month"].rule_text, 1, 1),  # maria (December)
        (LIBRARY["new_clients"].rule_text, 2, 3),  # lina, gone; + zed
        (LIBRARY["country_ae"].rule_text, 2, 3),  # maria, lina; + never (no bookings)
        (LIBRARY["vip"].rule_text, 0, 0),
        ("sessions < 2", 3, 5),  # lina, gone, maria2 (cancelled only); + zed, never
        ("sessions < 1", 1, 2),  # maria2; + never
        ("spent >= 100", 1, 1),  # maria 180
        ("spent < 50", 4, 6),  # omar 45, lina, gone, maria2; + zed, never
        ("country AE or sessions >= 3", 3, 4),  # maria, omar, lina; + never
        ("(language ar or rated 4) and no booking in 60 days", 1, 1),  # maria (omar ahead)
        ("لا حجز منذ 60 يوما و جلسات >= 3", 1, 1),
        ("language ar", 1, 1),
    ],
)
async def test_counts_match_the_hand_counted_data_set(
    world: World, rule: str, reader_count: int, platform_count: int
) -> None:
    assert await count(world, rule) == reader_count
    assert await count(world, rule, reader=False) == platform_count


async def test_marketing_only_drops_clients_without_consent_and_the_erased(world: World) -> None:
    assert await count(world, "country AE", reader=False, marketing=True) == 2  # maria, lina
    assert await count(world, "first session in last 14 days", marketing=True) == 1  # lina


async def test_client_ids_walk_every_match_once_in_id_order_by_keyset_pages(world: World) -> None:
    rule = parse_rule("country AE or sessions >= 3")
    seen: list[uuid.UUID] = []
    after = None
    while True:
        async with world.database.uows(read_only=True) as uow:
            page = await uow.segments.client_ids(
                reader_id=None, rule=rule, now=NOW, marketing_only=False, after=after, limit=1
            )
        if not page:
            break
        seen += page
        after = page[-1]
    names = {v: k for k, v in world.clients.items()}
    assert sorted(names[c] for c in seen) == ["lina", "maria", "never", "omar"]
    assert seen == sorted(seen)


async def test_saving_a_segment_then_resolving_it_by_name_or_library_key(world: World) -> None:
    saved = await save_segment(
        uow=world.database.uows(), clock=world.clock, reader_id=world.samia,
        name="Gulf regulars", rule_text="country AE and  sessions >= 1",
    )  # fmt: skip
    found = await resolve_segment(
        uow=world.database.uows(), reader_id=world.samia, name="gulf REGULARS"
    )
    assert found is not None
    assert found.segment_id == saved.segment_id
    assert found.rule_text == "country AE and sessions >= 1"
    assert (
        await resolve_segment(
            uow=world.database.uows(), reader_id=world.layla, name="Gulf regulars"
        )
        is None
    )
    library = await resolve_segment(
        uow=world.database.uows(), reader_id=world.samia, name="كبار العملاء"
    )
    assert library is not None
    assert library.library_key == "vip"
    again = await save_segment(
        uow=world.database.uows(), clock=world.clock, reader_id=world.samia,
        name="gulf regulars", rule_text="country AE",
    )  # fmt: skip
    assert again.segment_id == saved.segment_id


async def test_a_bad_rule_saves_nothing(world: World) -> None:
    with pytest.raises(SegmentRuleError):
        await save_segment(
            uow=world.database.uows(), clock=world.clock, reader_id=world.samia,
            name="Broken", rule_text="sessions >= lots",
        )  # fmt: skip
    async with world.database.uows(read_only=True) as uow:
        assert await uow.segments.list(reader_id=world.samia) == []


CIPHER = CredentialCipher([Fernet.generate_key()])


async def test_a_note_is_encrypted_at_rest_and_only_its_reader_reads_it(world: World) -> None:
    client, note = await records.add_note(
        uow=world.database.uows(), clock=world.clock, cipher=CIPHER, reader_id=world.samia,
        client_ref="@lina", text="prefers evening, asks about career",
    )  # fmt: skip
    assert client.id == world.clients["lina"]
    assert note.topics == ("career",)
    async with world.database.uows(read_only=True) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        stored = (
            await uow.session.execute(sa.select(models.ClientNote.body_encrypted))
        ).scalar_one()
    assert "evening" not in stored
    mine = await records.client_history(
        uow=world.database.uows(), cipher=CIPHER, reader_id=world.samia, client_ref="@lina"
    )
    assert [n.text for n in mine.notes] == ["prefers evening, asks about career"]
    async with world.database.uows(read_only=True) as uow:
        theirs = await uow.client_records.activity(
            reader_id=world.layla, client_id=world.clients["lina"]
        )
    assert theirs.notes == []
    with pytest.raises(NotFound):  # lina never booked with layla: not layla's client
        await records.client_history(
            uow=world.database.uows(), cipher=CIPHER, reader_id=world.layla, client_ref="@lina"
        )


async def test_history_shows_bookings_with_real_length_ratings_and_payments(world: World) -> None:
    history = await records.client_history(
        uow=world.database.uows(), cipher=CIPHER, reader_id=world.samia,
        client_ref="Maria One",
    )  # fmt: skip
    assert len(history.bookings) == 4
    assert [b.held_seconds for b in history.bookings][-1] == 3300
    assert [r.stars for r in history.ratings] == [5]
    assert sum(p.amount_minor for p in history.payments) == 18000


async def test_an_ambiguous_first_name_lists_the_candidates_and_saves_nothing(world: World) -> None:
    with pytest.raises(records.AmbiguousClient) as caught:
        await records.add_note(
            uow=world.database.uows(), clock=world.clock, cipher=CIPHER, reader_id=world.samia,
            client_ref="@maria", text="hello",
        )  # fmt: skip
    assert [m.name for m in caught.value.matches] == ["Maria One", "Maria Two"]
    with pytest.raises(NotFound):
        await records.add_note(
            uow=world.database.uows(), clock=world.clock, cipher=CIPHER, reader_id=world.samia,
            client_ref="@nobody", text="hello",
        )  # fmt: skip
    async with world.database.uows(read_only=True) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        assert (
            await uow.session.execute(sa.select(sa.func.count(models.ClientNote.id)))
        ).scalar_one() == 0
