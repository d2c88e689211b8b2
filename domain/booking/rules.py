"""Pure booking rules: prices, cancellation fees, and the reader's schedule as slot inputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.booking.availability import AvailabilityException, SchedulingPolicy, WeeklyRule
from domain.booking.windows import TimeWindow
from domain.enums import LateCancelPolicy, PricingModel
from domain.errors import CancellationRefused
from domain.models import Booking, DatedException, Reader, Service, WeeklyHours

BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class PriceSnapshot:
    """What the client pays for this booking, fixed at the time of booking."""

    price_minor: int
    currency: str
    pricing_model: PricingModel


def price_for(service: Service, *, has_package_credit: bool) -> PriceSnapshot:
    """Fixed: the price; per-minute: estimated from the duration; package: a credit or the pack."""
    if service.pricing_model is PricingModel.PER_MINUTE:
        amount = service.price_minor * service.duration_minutes
    elif service.pricing_model is PricingModel.PACKAGE and has_package_credit:
        amount = 0
    else:
        amount = service.price_minor
    return PriceSnapshot(amount, service.currency, service.pricing_model)


def share_of(amount_minor: int, basis_points: int) -> int:
    """Integer share rounded half up, so money never passes through a float."""
    return (amount_minor * basis_points + BASIS_POINTS // 2) // BASIS_POINTS


def is_late(booking: Booking, reader: Reader, now: datetime) -> bool:
    """Inside the reader's free-cancellation window."""
    return booking.starts_at - now < timedelta(hours=reader.free_cancel_hours)


def client_cancellation_fee(booking: Booking, reader: Reader, now: datetime) -> int:
    """The fee a client owes for cancelling now; refused when the policy says so."""
    if not is_late(booking, reader, now):
        return 0
    if reader.late_cancel_policy is LateCancelPolicy.REFUSE:
        raise CancellationRefused(
            "late cancellation refused", hours=reader.free_cancel_hours, reader=reader.brand
        )
    return share_of(booking.price_minor, reader.late_cancel_fee_bps)


def check_client_may_reschedule(booking: Booking, reader: Reader, now: datetime) -> None:
    """Moving a reading late leaves the reader an empty slot, so it follows the cancel window."""
    if is_late(booking, reader, now):
        raise CancellationRefused(
            "late reschedule refused", hours=reader.free_cancel_hours, reader=reader.brand
        )


def scheduling_policy(reader: Reader, *, slot_step_minutes: int = 30) -> SchedulingPolicy:
    """The reader's settings as slot-search parameters."""
    return SchedulingPolicy(
        buffer_before=timedelta(minutes=reader.buffer_before_minutes),
        buffer_after=timedelta(minutes=reader.buffer_after_minutes),
        minimum_notice=timedelta(minutes=reader.minimum_notice_minutes),
        maximum_advance=timedelta(days=reader.maximum_advance_days),
        slot_step=timedelta(minutes=slot_step_minutes),
    )


def weekly_rules(hours: Sequence[WeeklyHours]) -> list[WeeklyRule]:
    """Stored weekly hours as slot-search rules."""
    return [WeeklyRule(h.weekday, h.start, h.end) for h in hours]


def dated_exceptions(exceptions: Sequence[DatedException]) -> list[AvailabilityException]:
    """Stored exceptions as slot-search exceptions."""
    return [AvailabilityException(e.day, e.kind, e.start, e.end) for e in exceptions]


def padded_busy(occupied: Sequence[TimeWindow], reader: Reader) -> list[TimeWindow]:
    """Existing bookings grown by the reader's buffers.

    The new slot is grown by the same buffers in the slot search, so two readings end up
    at least `buffer_after + buffer_before` apart: rest after one, preparation before the next.
    """
    before = timedelta(minutes=reader.buffer_before_minutes)
    after = timedelta(minutes=reader.buffer_after_minutes)
    return [TimeWindow(w.start - before, w.end + after) for w in occupied]


def zone_of(name: str) -> ZoneInfo:
    """An IANA zone by name."""
    return ZoneInfo(name)
