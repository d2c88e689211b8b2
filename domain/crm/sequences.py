"""Follow-up sequences as data: the ready-made ones, and who enters them on which event.

The platform's sequences have fixed ids (uuid5 of their key), so seeding is idempotent and
an enrolment keyed (sequence, client, anchor) is the same row however often the event that
started it is delivered. A reader switches a ready-made sequence off or on with a row of
their own under the same key; the steps stay the platform's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.clock import Clock
from domain.enums import BookingStatus, PricingModel, SequenceTrigger
from domain.models import Booking
from domain.ports.follow_ups import NewEnrolment, SequenceSpec, StepSpec
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

_NAMESPACE = uuid.UUID("6f1c2a4e-0b7d-5e8a-9c3f-f011a0500001")


class SequenceKey:
    """The ready-made sequences' keys (the template and button names the bots render)."""

    THANK_YOU = "thank_you"
    NO_SHOW = "no_show"
    WIN_BACK = "win_back"
    BIRTHDAY = "birthday"
    WELCOME = "welcome"
    PACKAGE_LOW = "package_low"


class Button:
    """What a step's button does."""

    RATE = "rate"
    RESCHEDULE = "reschedule"
    REBOOK = "rebook"
    GIFT = "gift"
    MANAGE = "manage"
    BUY_PACKAGE = "buy_package"


QUIET_FOR = timedelta(days=60)
# A silence the daily scan missed (the flow was down) is still caught this much later.
SCAN_WINDOW = timedelta(days=7)
BIRTHDAY_AT = time(10, 0)  # local
BOOKED_AGAIN = "booked again"
LAST_SESSION = 1  # sessions left in a package when its client is told
PACKAGE_ANCHOR = "package:"
# The bookings that may have met the reader already (a cancelled one only if confirmed).
_MET = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW,
        BookingStatus.CANCELLED)  # fmt: skip


def _id(name: str) -> UUID:
    return uuid.uuid5(_NAMESPACE, name)


def _sequence(
    key: str, trigger: SequenceTrigger, delay: int, button: str, *, marketing: bool
) -> SequenceSpec:
    step = StepSpec(_id(f"{key}:0"), 0, delay, key, button, marketing)
    return SequenceSpec(_id(key), None, key, trigger, True, (step,))


READY_MADE: tuple[SequenceSpec, ...] = (
    _sequence(SequenceKey.THANK_YOU, SequenceTrigger.SESSION_COMPLETED, 120, Button.RATE,
              marketing=False),
    _sequence(SequenceKey.NO_SHOW, SequenceTrigger.NO_SHOW, 60, Button.RESCHEDULE,
              marketing=False),
    _sequence(SequenceKey.WIN_BACK, SequenceTrigger.QUIET_60_DAYS, 0, Button.REBOOK,
              marketing=True),
    _sequence(SequenceKey.BIRTHDAY, SequenceTrigger.BIRTHDAY, 0, Button.GIFT, marketing=True),
    _sequence(SequenceKey.WELCOME, SequenceTrigger.FIRST_BOOKING, 5, Button.MANAGE,
              marketing=False),
    _sequence(SequenceKey.PACKAGE_LOW, SequenceTrigger.PACKAGE_LOW, 60, Button.BUY_PACKAGE,
              marketing=True),
)  # fmt: skip
BY_KEY = {spec.key: spec for spec in READY_MADE}


@dataclass(frozen=True, slots=True)
class SequenceState:
    """One sequence as a reader sees it: its key and whether it runs for them."""

    key: str
    trigger: SequenceTrigger
    active: bool


async def seed_ready_made(uow: UnitOfWork) -> None:
    """Write the platform's sequences if missing (inside the caller's transaction)."""
    await uow.follow_ups.seed(READY_MADE)


async def enrol_in(
    uow: UnitOfWork,
    *,
    trigger: SequenceTrigger,
    client_id: UUID,
    reader_id: UUID,
    anchor_ref: str,
    anchor_at: datetime,
) -> int:
    """Enrol the client in each sequence of this trigger that runs for the reader; once."""
    specs = [spec for spec in READY_MADE if spec.trigger is trigger]
    if not specs:
        return 0
    await seed_ready_made(uow)
    off = {s.key for s in await uow.follow_ups.sequences(reader_id) if not s.active}
    added = 0
    for spec in specs:
        if spec.key in off:
            continue
        enrolment = NewEnrolment(spec.id, client_id, reader_id, anchor_ref, anchor_at)
        added += await uow.follow_ups.enrol(enrolment, spec.steps)
    return added


async def booking_finished(
    uow: UnitOfWork, *, client_id: UUID, reader_id: UUID, booking_id: UUID,
    attended: bool, now: datetime,
) -> int:  # fmt: skip
    """A session completed or missed starts its sequence, anchored at the booking."""
    trigger = SequenceTrigger.SESSION_COMPLETED if attended else SequenceTrigger.NO_SHOW
    return await enrol_in(
        uow, trigger=trigger, client_id=client_id, reader_id=reader_id,
        anchor_ref=str(booking_id), anchor_at=now,
    )  # fmt: skip


async def booked_again(uow: UnitOfWork, *, client_id: UUID, now: datetime) -> int:
    """A confirmed booking ends any win-back at once; its pending messages are skipped."""
    return await uow.follow_ups.leave(
        client_id=client_id, trigger=SequenceTrigger.QUIET_60_DAYS, reason=BOOKED_AGAIN, now=now
    )


async def booking_confirmed(uow: UnitOfWork, *, booking: Booking, now: datetime) -> int:
    """A confirmed booking ends a win-back, welcomes a newcomer and warns of a last session."""
    await booked_again(uow, client_id=booking.client_id, now=now)
    return await _first_booking(uow, booking, now) + await _package_low(uow, booking, now)


async def _first_booking(uow: UnitOfWork, booking: Booking, now: datetime) -> int:
    """Only a client's first booking ever confirmed with this reader is welcomed."""
    before = await uow.bookings.for_client(booking.client_id, statuses=_MET)
    if any(b.reader_id == booking.reader_id and b.id != booking.id and _met(b) for b in before):
        return 0
    return await enrol_in(
        uow, trigger=SequenceTrigger.FIRST_BOOKING, client_id=booking.client_id,
        reader_id=booking.reader_id, anchor_ref=str(booking.id), anchor_at=now,
    )  # fmt: skip


async def _package_low(uow: UnitOfWork, booking: Booking, now: datetime) -> int:
    """A package down to its last session is told once (per package, however often)."""
    if booking.pricing_model is not PricingModel.PACKAGE or booking.package_credit_id is None:
        return 0
    balance = await uow.packages.balance(booking.package_credit_id)
    if balance is None or balance.sessions_left != LAST_SESSION:
        return 0
    return await enrol_in(
        uow, trigger=SequenceTrigger.PACKAGE_LOW, client_id=booking.client_id,
        reader_id=booking.reader_id, anchor_ref=package_anchor(booking.package_credit_id),
        anchor_at=now,
    )  # fmt: skip


def _met(booking: Booking) -> bool:
    """Confirmed once: finished or still on, or cancelled only after it was confirmed."""
    return booking.status is not BookingStatus.CANCELLED or booking.confirmed_at is not None


def package_anchor(credit_id: UUID) -> str:
    """The anchor of a package's enrolment: its credit row, never taken for a booking."""
    return f"{PACKAGE_ANCHOR}{credit_id}"


def package_of(anchor_ref: str) -> UUID | None:
    """The credit row a package anchor names; None for any other anchor."""
    if not anchor_ref.startswith(PACKAGE_ANCHOR):
        return None
    try:
        return UUID(anchor_ref.removeprefix(PACKAGE_ANCHOR))
    except ValueError:
        return None


async def reader_sequences(*, uow: UnitOfWork, reader_id: UUID) -> list[SequenceState]:
    """The ready-made sequences with the reader's on/off choice."""
    async with uow:
        own = {s.key: s.active for s in await uow.follow_ups.sequences(reader_id)}
    return [SequenceState(s.key, s.trigger, own.get(s.key, s.active)) for s in READY_MADE]


async def switch_sequence(*, uow: UnitOfWork, reader_id: UUID, key: str, active: bool) -> bool:
    """Turn one ready-made sequence on or off for a reader; False for an unknown key."""
    spec = BY_KEY.get(key)
    if spec is None:
        return False
    async with uow:
        await uow.follow_ups.set_active(
            reader_id=reader_id, key=key, trigger=spec.trigger, active=active
        )
        await uow.commit()
    return True


SCAN_CURSOR = "follow-ups:daily-scan"


async def daily_scans(*, uows: UnitOfWorkFactory, clock: Clock, force: bool = False) -> int:
    """Birthdays and 60 quiet days, at most once per UTC day; returns the enrolments added."""
    now = clock.now()
    today = now.astimezone(UTC).date().isoformat()
    async with uows() as uow:
        if not force and await uow.follow_ups.scanned_on(SCAN_CURSOR) == today:
            return 0
        added = await _quiet(uow, now) + await _birthdays(uow, now)
        await uow.follow_ups.mark_scanned(SCAN_CURSOR, today, now)
        await uow.commit()
    return added


async def _quiet(uow: UnitOfWork, now: datetime) -> int:
    found = await uow.follow_ups.quiet_clients(now=now, quiet_for=QUIET_FOR, window=SCAN_WINDOW)
    added = 0
    for c in found:
        added += await enrol_in(
            uow, trigger=SequenceTrigger.QUIET_60_DAYS, client_id=c.client_id,
            reader_id=c.reader_id, anchor_ref=c.anchor_ref, anchor_at=now,
        )  # fmt: skip
    return added


async def _birthdays(uow: UnitOfWork, now: datetime) -> int:
    """Today and tomorrow (UTC) cover every zone's today; each sent at 10:00 local."""
    day = now.astimezone(UTC).date()
    added = 0
    for b in await uow.follow_ups.birthdays([day, day + timedelta(days=1)]):
        at = birthday_instant(b.birthday, b.timezone, now)
        if at is None:
            continue
        added += await enrol_in(
            uow, trigger=SequenceTrigger.BIRTHDAY, client_id=b.client_id, reader_id=b.reader_id,
            anchor_ref=f"birthday:{at.astimezone(ZoneInfo(b.timezone)).year}", anchor_at=at,
        )  # fmt: skip
    return added


def birthday_instant(born: date, zone: str, now: datetime) -> datetime | None:
    """10:00 local on this year's birthday (28 February for 29 February), if not yet a day past."""
    tz = ZoneInfo(zone)
    year = now.astimezone(tz).year
    try:
        day = born.replace(year=year)
    except ValueError:
        day = date(year, 2, 28)
    at = datetime.combine(day, BIRTHDAY_AT, tzinfo=tz).astimezone(UTC)
    return at if at > now - timedelta(days=1) else None
