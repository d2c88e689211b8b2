"""The domain's own records: what services take and return, never vendor JSON or ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from domain.enums import (
    AvailabilityExceptionKind,
    BookingStatus,
    Channel,
    LateCancelPolicy,
    OutboxKind,
    OutboxStatus,
    PricingModel,
    Role,
    ServiceKind,
)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units of an ISO 4217 currency."""

    amount_minor: int
    currency: str


@dataclass(slots=True)
class Reader:
    """A reader and the policy their bookings follow."""

    id: UUID
    slug: str
    name: str
    timezone: str
    currency: str
    languages: list[str] = field(default_factory=lambda: ["en"])
    email: str | None = None
    display_name: str | None = None
    greeting: str | None = None
    brand_primary_color: str | None = None
    brand_accent_color: str | None = None
    booking_slug: str | None = None
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 10
    minimum_notice_minutes: int = 120
    maximum_advance_days: int = 60
    free_cancel_hours: int = 24
    late_cancel_policy: LateCancelPolicy = LateCancelPolicy.FEE
    late_cancel_fee_bps: int = 5000
    revenue_share_bps: int = 7000
    room_url: str | None = None
    ics_token: str | None = None
    country: str | None = None  # ISO 3166 alpha-2: where the reader is taxed
    tax_inclusive: bool = True  # prices include tax (VAT-style) or carry it on top
    prepayment_required: bool = False  # bookings wait for their payment to confirm
    payment_window_minutes: int = 30
    is_active: bool = True

    @property
    def brand(self) -> str:
        """The name clients see."""
        return self.display_name or self.name


@dataclass(slots=True)
class Service:
    """A reading a reader sells."""

    id: UUID
    reader_id: UUID
    slug: str
    name: str
    kind: ServiceKind
    duration_minutes: int
    pricing_model: PricingModel
    price_minor: int
    currency: str
    package_sessions: int | None = None
    description: str | None = None
    prepayment_required: bool | None = None  # None: the reader's setting
    revenue_share_bps: int | None = None  # None: the reader's share
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """One weekly opening range, reader-local."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DatedException:
    """Time off or extra hours on one reader-local day."""

    day: date
    kind: AvailabilityExceptionKind
    start: time | None = None
    end: time | None = None
    note: str | None = None


@dataclass(slots=True)
class Client:
    """A person who books readings."""

    id: UUID
    referral_code: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str = "en"
    timezone: str = "UTC"
    country: str | None = None
    preferred_channel: Channel | None = None
    marketing_consent: bool = False
    referred_by_id: UUID | None = None
    created_at: datetime | None = None


@dataclass(slots=True)
class Booking:
    """A reservation of a reader's time, with the price as it was when booked."""

    id: UUID
    reader_id: UUID
    client_id: UUID
    service_id: UUID
    starts_at: datetime
    ends_at: datetime
    client_timezone: str
    status: BookingStatus
    service_kind: ServiceKind
    pricing_model: PricingModel
    price_minor: int
    currency: str
    source_channel: Channel
    hold_expires_at: datetime | None = None
    package_credit_id: UUID | None = None
    fee_minor: int = 0
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    rescheduled_count: int = 0
    calendar_event_id: str | None = None
    meeting_url: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def reference(self) -> str:
        """A short code a person can read out; the full id stays internal."""
        return self.id.hex[:8].upper()

    @property
    def is_active(self) -> bool:
        """Whether the booking still occupies the reader's time."""
        return self.status in BookingStatus.active()


@dataclass(frozen=True, slots=True)
class Identity:
    """A chat account and whom it belongs to."""

    id: UUID
    channel: Channel
    workspace: str
    external_user_id: str
    role: Role
    client_id: UUID | None = None
    reader_id: UUID | None = None
    admin_id: UUID | None = None
    display_name: str | None = None
    locale: str | None = None
    chat_id: str | None = None
    last_inbound_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A side effect to carry out after the transaction that decided it commits."""

    key: str
    kind: OutboxKind
    payload: dict[str, Any]
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    id: UUID | None = None
