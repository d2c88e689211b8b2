"""Demo data: three readers, every pricing model, 500 clients and six months of history."""

from __future__ import annotations

import asyncio
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.enums import BookingStatus, Channel, PricingModel, ServiceKind
from domain.identity import new_referral_code
from hub.demo_analytics import build_demo_analytics
from hub.demo_fx import seed_demo_rates
from hub.demo_money import seed_demo_money
from hub.settings import Settings
from storage.db import create_engine
from storage.models import (
    AvailabilityRule,
    Booking,
    Client,
    Rating,
    Reader,
    ReadingSession,
    Service,
)

FIRST = [
    "Lina",
    "Omar",
    "Maya",
    "Yusuf",
    "Sara",
    "Adam",
    "Noor",
    "Leo",
    "Hana",
    "Zain",
    "Emma",
    "Karim",
    "Ava",
    "Rami",
    "Mia",
    "Sami",
    "Layla",
    "Jack",
    "Aya",
    "Noah",
]
LAST = [
    "Haddad",
    "Smith",
    "Khoury",
    "Brown",
    "Mansour",
    "Garcia",
    "Nasser",
    "Wilson",
    "Saleh",
    "Taylor",
    "Aziz",
    "Martin",
]
ZONES = [
    "Europe/London",
    "America/New_York",
    "Asia/Dubai",
    "Africa/Cairo",
    "Europe/Paris",
    "Australia/Sydney",
    "America/Los_Angeles",
]


@dataclass(frozen=True)
class DemoReader:
    """A demo reader's profile."""

    slug: str
    name: str
    timezone: str
    currency: str
    languages: list[str]
    greeting: str
    primary: str
    accent: str
    hours: tuple[int, int]


READERS = (
    DemoReader(
        "samia",
        "Samia",
        "Europe/London",
        "GBP",
        ["en", "ar"],
        "Tarot with heart: love, work and the road ahead.",
        "#4b2a7b",
        "#d4a84b",
        (10, 19),
    ),
    DemoReader(
        "layla",
        "ليلى",
        "Asia/Dubai",
        "AED",
        ["ar"],
        "قراءات تاروت باللغة العربية",
        "#0f5257",
        "#e0a458",
        (12, 22),
    ),
    DemoReader(
        "rose",
        "Rose",
        "America/New_York",
        "USD",
        ["en"],
        "Clear, kind readings for big decisions.",
        "#7b2a4b",
        "#9fd4a8",
        (9, 17),
    ),
)
SERVICES = (
    ("quick-chat", "Quick chat reading", ServiceKind.CHAT, 15, PricingModel.FIXED, 1500, None),
    (
        "voice-per-minute",
        "Voice reading (per minute)",
        ServiceKind.VOICE,
        30,
        PricingModel.PER_MINUTE,
        150,
        None,
    ),
    ("video-deep-dive", "Video deep dive", ServiceKind.VIDEO, 60, PricingModel.FIXED, 6500, None),
    (
        "monthly-pack",
        "Monthly guidance pack (4 sessions)",
        ServiceKind.VIDEO,
        30,
        PricingModel.PACKAGE,
        16000,
        4,
    ),
)


# The Arabic-speaking reader's clients see her services in her language.
ARABIC_SERVICE_NAMES = {
    "quick-chat": "قراءة سريعة بالمحادثة",
    "voice-per-minute": "قراءة صوتية (بالدقيقة)",
    "video-deep-dive": "قراءة معمّقة بالفيديو",
    "monthly-pack": "باقة الإرشاد الشهرية (4 جلسات)",
}
UPCOMING_DAYS = 7  # today and the six days after: the reader side shows something at once


def seed_demo(settings: Settings, *, clients: int = 500, months: int = 6, seed: int = 7) -> str:
    """Insert the demo set once; a second run leaves the database as it is."""
    engine = create_engine(settings.database_url)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    try:
        with Session(engine) as session, session.begin():
            if session.scalar(sa.select(sa.func.count()).select_from(Reader)):
                return "demo data already present; nothing added"
            readers = [_reader(session, demo, now) for demo in READERS]
            people = [_client(rng, i, now) for i in range(clients)]
            session.add_all(people)
            session.flush()
            count = _history(session, rng, readers, people, now, months)
            ahead = _upcoming(session, rng, readers, people, now)
            rates = seed_demo_rates(session, now=now, months=months)  # real ECB history
        money = seed_demo_money(settings, now=now, months=months, seed=seed)
    finally:
        engine.dispose()
    readers_built = asyncio.run(build_demo_analytics(settings))
    return (
        f"seeded {len(READERS)} readers, {clients} clients, {count} past bookings"
        f" and {ahead} upcoming, with {rates:,} exchange rates; money: {money};"
        f" analytics rolled up for {readers_built} readers"
    )


def _reader(session: Session, demo: DemoReader, now: datetime) -> tuple[Reader, list[Service]]:
    reader = Reader(
        slug=demo.slug,
        name=demo.name,
        timezone=demo.timezone,
        currency=demo.currency,
        country=demo.currency[:2],  # taxed at home: ISO 4217 codes begin with the country's
        languages=demo.languages,
        display_name=demo.name,
        greeting=demo.greeting,
        brand_primary_color=demo.primary,
        brand_accent_color=demo.accent,
        booking_slug=demo.slug,
        room_url=f"https://meet.example/{demo.slug}",
        ics_token=secrets.token_urlsafe(24),
        created_at=now,
    )
    session.add(reader)
    session.flush()
    start, end = demo.hours
    for weekday in range(7):  # every day: the upcoming week is seeded from today
        session.add(
            AvailabilityRule(
                reader_id=reader.id, weekday=weekday, start_local=time(start), end_local=time(end)
            )
        )
    services = [
        Service(
            reader_id=reader.id,
            slug=slug,
            name=ARABIC_SERVICE_NAMES[slug] if demo.languages[0] == "ar" else name,
            kind=kind,
            duration_minutes=minutes,
            pricing_model=model,
            price_minor=amount,
            currency=demo.currency,
            package_sessions=sessions,
            created_at=now,
        )
        for slug, name, kind, minutes, model, amount, sessions in SERVICES
    ]
    session.add_all(services)
    session.flush()
    return reader, services


def _client(rng: random.Random, index: int, now: datetime) -> Client:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return Client(
        id=uuid.uuid4(),
        name=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}.{index}@example.com",
        language="ar" if rng.random() < 0.3 else "en",
        timezone=rng.choice(ZONES),
        referral_code=new_referral_code(),
        marketing_consent=rng.random() < 0.6,
        preferred_channel=rng.choice([Channel.WEBCHAT, Channel.TELEGRAM, Channel.MESSENGER]),
        created_at=now - timedelta(days=rng.randint(30, 400)),
    )


def _history(
    session: Session,
    rng: random.Random,
    readers: list[tuple[Reader, list[Service]]],
    people: list[Client],
    now: datetime,
    months: int,
) -> int:
    """Past sessions: mostly completed, some cancelled and no-shows, many rated."""
    rows: list[Booking] = []
    for reader, services in readers:
        zone = ZoneInfo(reader.timezone)
        day = (now - timedelta(days=30 * months)).astimezone(zone).date()
        regulars = rng.sample(people, k=min(len(people), 180))
        while day < now.astimezone(zone).date():
            if day.weekday() < 6:
                rows.extend(_day(rng, reader, services, regulars, day, zone, now))
            day += timedelta(days=1)
    session.add_all(rows)
    session.flush()
    ratings: list[Rating] = []
    sessions: list[ReadingSession] = []
    for booking in rows:
        if booking.status is BookingStatus.COMPLETED:
            sessions.append(
                ReadingSession(
                    booking_id=booking.id,
                    medium=booking.service_kind,
                    started_at=booking.starts_at,
                    ended_at=booking.ends_at,
                    duration_seconds=int((booking.ends_at - booking.starts_at).total_seconds()),
                )
            )
            if rng.random() < 0.55:
                ratings.append(
                    Rating(
                        booking_id=booking.id,
                        reader_id=booking.reader_id,
                        client_id=booking.client_id,
                        stars=rng.choices([5, 4, 3, 2, 1], [55, 28, 10, 4, 3])[0],
                        feedback=None,
                        created_at=booking.ends_at + timedelta(hours=2),
                    )
                )
    session.add_all([*sessions, *ratings])
    return len(rows)


def _upcoming(
    session: Session,
    rng: random.Random,
    readers: list[tuple[Reader, list[Service]]],
    people: list[Client],
    now: datetime,
) -> int:
    """Confirmed sessions from later today through the week, inside each reader's hours."""
    rows: list[Booking] = []
    for (reader, services), demo in zip(readers, READERS, strict=True):
        zone = ZoneInfo(reader.timezone)
        today = now.astimezone(zone).date()
        opens, closes = demo.hours
        for offset in range(UPCOMING_DAYS):
            day = today + timedelta(days=offset)
            # Today: the hours still ahead; later days: from opening, two hours apart.
            first = opens + offset % 2
            if offset == 0:
                first = max(opens, now.astimezone(zone).hour + 1)
            for hour in range(first, closes - 1, 2)[: rng.randint(2, 3)]:
                start = datetime.combine(day, time(hour), zone).astimezone(UTC)
                if start < now + timedelta(minutes=30):
                    continue
                service = rng.choices(services[:3], [50, 25, 25])[0]
                rows.append(_booking(rng.choice(people), reader, service, start, now))
    session.add_all(rows)
    return len(rows)


def _booking(
    client: Client, reader: Reader, service: Service, start: datetime, now: datetime
) -> Booking:
    """One confirmed upcoming booking, priced as the booking service prices it."""
    price = service.price_minor * (
        service.duration_minutes if service.pricing_model is PricingModel.PER_MINUTE else 1
    )
    return Booking(
        id=uuid.uuid4(),
        reader_id=reader.id,
        client_id=client.id,
        service_id=service.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=service.duration_minutes),
        client_timezone=client.timezone,
        status=BookingStatus.CONFIRMED,
        service_kind=service.kind,
        pricing_model=service.pricing_model,
        price_minor=price,
        currency=service.currency,
        source_channel=client.preferred_channel or Channel.WEBCHAT,
        confirmed_at=now,
        created_at=now,
        updated_at=now,
    )


def _day(
    rng: random.Random,
    reader: Reader,
    services: list[Service],
    regulars: list[Client],
    day: date,
    zone: ZoneInfo,
    now: datetime,
) -> list[Booking]:
    bookings = []
    hour = 10 if reader.slug != "layla" else 13
    for _ in range(rng.randint(1, 5)):
        service = rng.choices(services, [40, 25, 25, 10])[0]
        start = datetime.combine(day, time(hour), zone).astimezone(UTC)
        end = start + timedelta(minutes=service.duration_minutes)
        hour += 2
        if end > now:
            break
        status = rng.choices(
            [BookingStatus.COMPLETED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW], [82, 12, 6]
        )[0]
        price = service.price_minor * (
            service.duration_minutes if service.pricing_model is PricingModel.PER_MINUTE else 1
        )
        client = rng.choice(regulars)
        bookings.append(
            Booking(
                id=uuid.uuid4(),
                reader_id=reader.id,
                client_id=client.id,
                service_id=service.id,
                starts_at=start,
                ends_at=end,
                client_timezone=client.timezone,
                status=status,
                service_kind=service.kind,
                pricing_model=service.pricing_model,
                price_minor=price,
                currency=service.currency,
                source_channel=client.preferred_channel or Channel.WEBCHAT,
                confirmed_at=start - timedelta(days=2),
                cancelled_at=start - timedelta(days=1)
                if status is BookingStatus.CANCELLED
                else None,
                created_at=start - timedelta(days=3),
                updated_at=start,
            )
        )
    return bookings
