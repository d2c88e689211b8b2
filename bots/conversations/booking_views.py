"""Replies of the booking conversation: turning domain results into buttons and text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from bots.conversations.common import Conv, choice, client_menu, day_label, price
from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import BookingVerb
from bots.engine import Action, Reply, Turn
from bots.language import Intent, Msg, format_money, format_time, format_when, parse_intent
from domain.billing.payments import Payment
from domain.booking.queries import client_profile
from domain.booking.windows import Slot
from domain.enums import Channel, PricingModel
from domain.models import Booking, Reader, Service

SLOTS_SHOWN = 12
YES = {"yes", "y", "ok", "okay", "confirm", "sure", "نعم", "أكد", "اكد", "تأكيد", "موافق"}
PERIODS = {"morning": (5, 12), "afternoon": (12, 17), "evening": (17, 22), "night": (20, 24)}


@dataclass(frozen=True, slots=True)
class ParsedDay:
    """A typed day, or the message explaining why it is not one."""

    day: date | None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def intent_context(intent: Intent) -> dict[str, Any]:
    """Day, time and part of day from a free-text request, as context values."""
    ctx: dict[str, Any] = {}
    if intent.day:
        ctx["day"] = intent.day.isoformat()
    if intent.time_of_day:
        ctx["time"] = intent.time_of_day.strftime("%H:%M")
    if intent.period:
        ctx["period"] = intent.period.value
    return ctx


def pick_reader(turn: Turn[ChatDeps], readers: list[Reader]) -> Reply:
    """Which reader."""
    buttons = tuple(
        choice(turn, r.brand, Conv.BOOKING, BookingVerb.READER, r.id.hex) for r in readers
    )
    return Reply(turn.t("Which reader would you like?"), choices=buttons)


def pick_service(turn: Turn[ChatDeps], services: list[Service]) -> Reply:
    """Which reading, with its length and price."""
    buttons = []
    for s in services:
        amount = price(turn, s.price_minor, s.currency)
        if s.pricing_model is PricingModel.PER_MINUTE:
            amount = turn.t(Msg.PRICE_PER_MINUTE, price=amount)
        label = turn.t(Msg.SERVICE_OPTION, service=s.name, minutes=s.duration_minutes, price=amount)
        buttons.append(choice(turn, label, Conv.BOOKING, BookingVerb.SERVICE, s.id.hex))
    return Reply(turn.t("Which reading would you like?"), choices=tuple(buttons))


def day_choices(turn: Turn[ChatDeps], first: date, count: int = 7) -> tuple[Any, ...]:
    """A week of day buttons and a button for the week after."""
    days = [first + timedelta(days=i) for i in range(count)]
    buttons = [
        choice(turn, day_label(turn, d), Conv.BOOKING, BookingVerb.DAY, d.isoformat()) for d in days
    ]
    later = first + timedelta(days=count)
    buttons.append(choice(turn, "More days", Conv.BOOKING, BookingVerb.DAYS, later.isoformat()))
    return tuple(buttons)


def pick_day(turn: Turn[ChatDeps], first: date, count: int) -> Reply:
    """Which day (or type one)."""
    return Reply(
        turn.t("Which day? You can also type one, like 'Friday'."),
        choices=day_choices(turn, first, count),
    )


def pick_slot(turn: Turn[ChatDeps], day: date, slots: list[Slot]) -> Reply:
    """Free times on a day, filtered to the part of day asked for."""
    period = turn.ctx.get("period")
    if period in PERIODS:
        low, high = PERIODS[period]
        zone = ZoneInfo(turn.actor.timezone)
        slots = [s for s in slots if low <= s.starts_at.astimezone(zone).hour < high] or slots
    if not slots:
        text = turn.t("No free times on {day}. Try another day:", day=day_label(turn, day))
        return Reply(text, choices=day_choices(turn, day + timedelta(days=1)))
    buttons = tuple(
        choice(
            turn,
            format_time(s.starts_at, turn.actor.timezone, turn.actor.language),
            Conv.BOOKING,
            BookingVerb.SLOT,
            str(int(s.starts_at.timestamp())),
        )
        for s in slots[:SLOTS_SHOWN]
    )
    other = choice(
        turn, "Another day", Conv.BOOKING, BookingVerb.DAYS, (day + timedelta(days=1)).isoformat()
    )
    text = turn.t(
        "Free times on {day} ({timezone}):", day=day_label(turn, day), timezone=turn.actor.timezone
    )
    return Reply(text, choices=(*buttons, other))


def exact_slot(turn: Turn[ChatDeps], slots: list[Slot]) -> datetime | None:
    """The slot at the exact time the client typed, if there is one."""
    wanted = turn.ctx.pop("time", None)
    if not wanted:
        return None
    zone = ZoneInfo(turn.actor.timezone)
    target = time.fromisoformat(wanted)
    for slot in slots:
        if slot.starts_at.astimezone(zone).time().replace(second=0) == target:
            return slot.starts_at
    return None


def parse_day(turn: Turn[ChatDeps], text: str) -> ParsedDay:
    """Understand a typed day, refusing impossible and out-of-range ones."""
    intent = parse_intent(
        text,
        now=turn.now,
        client_zone=turn.actor.timezone,
        language_hint=turn.actor.language,
        reader_names=turn.deps.reader_names,
    )
    if intent.date_invalid or intent.day is None:
        return ParsedDay(None, "I couldn't read that date. Try 'tomorrow at 5pm' or pick a day:")
    today = turn.now.astimezone(ZoneInfo(turn.actor.timezone)).date()
    if intent.day < today:
        return ParsedDay(None, "That date is in the past. Please pick a day:")
    if intent.day > today + timedelta(days=366):
        return ParsedDay(None, "That is too far ahead. Please pick a day:")
    extra = intent_context(intent)
    extra.pop("day", None)
    return ParsedDay(intent.day, extra=extra)


async def missing_contact(turn: Turn[ChatDeps]) -> str | None:
    """What the web chat still needs to know before a booking can be confirmed."""
    if turn.event.channel is not Channel.WEBCHAT:
        return None
    client = await client_profile(
        uow=turn.deps.uows(read_only=True), client_id=turn.actor.person_id
    )
    if not client.name:
        return "name"
    if not client.email:
        return "email"
    return None


def confirm_action(hold_hex: str) -> Action:
    """The payload of the Confirm button of a hold."""
    return Action(Conv.BOOKING.value, BookingVerb.CONFIRM.value, hold_hex)


async def confirm_prompt(turn: Turn[ChatDeps]) -> Reply:
    """What is held, for how long, and the Confirm button."""
    view = await turn.deps.booking_view(UUID(hex=turn.ctx["hold_id"]))
    text = turn.t(
        "{service} with {reader} on {when} for {price}. "
        "I'm holding this time for {minutes} minutes.",
        service=view.service.name,
        reader=view.reader.brand,
        when=format_when(view.booking.starts_at, turn.actor.timezone, turn.actor.language),
        price=price(turn, view.booking.price_minor, view.booking.currency),
        minutes=int(turn.deps.hold_for.total_seconds() // 60),
    )
    day = turn.ctx.get("day", "")
    return Reply(
        text,
        choices=(
            choice(turn, "Confirm", Conv.BOOKING, BookingVerb.CONFIRM, turn.ctx["hold_id"]),
            choice(turn, "Choose another time", Conv.BOOKING, BookingVerb.DAY, day),
        ),
    )


async def booked(turn: Turn[ChatDeps], booking: Booking) -> Reply:
    """The confirmation, with the reference to quote."""
    view = await turn.deps.view(booking)
    text = turn.t(
        "Booked! {service} with {reader} on {when}. Booking reference {reference}.",
        service=view.service.name,
        reader=view.reader.brand,
        when=format_when(booking.starts_at, turn.actor.timezone, turn.actor.language),
        reference=booking.reference,
    )
    return Reply(text, choices=client_menu(turn))


def pay_prompt(turn: Turn[ChatDeps], payment: Payment) -> Reply:
    """The pay link, the amount and how long the slot is kept for it."""
    assert payment.expires_at is not None
    text = turn.t(
        Msg.PAY_TO_CONFIRM,
        amount=format_money(
            payment.amount.amount_minor, payment.amount.currency, turn.actor.language
        ),
        url=payment.checkout_url or "",
        until=format_when(payment.expires_at, turn.actor.timezone, turn.actor.language),
    )
    return Reply(text, choices=client_menu(turn))


async def invoice_prompt(turn: Turn[ChatDeps], payment: Payment) -> Reply:
    """The amount and how long the slot is kept, then the invoice the chat pays in.

    The invoice is described in our terms (the payload is the checkout's id); the
    channel's renderer turns it into its own invoice message.
    """
    assert payment.expires_at is not None
    assert payment.booking_id is not None
    view = await turn.deps.booking_view(payment.booking_id)
    language, amount = turn.actor.language, payment.amount
    when = format_when(view.booking.starts_at, turn.actor.timezone, language)
    text = turn.t(
        Msg.PAY_IN_CHAT,
        amount=format_money(amount.amount_minor, amount.currency, language),
        until=format_when(payment.expires_at, turn.actor.timezone, language),
    )
    invoice = {
        "title": view.service.name,
        "description": turn.t(
            Msg.PAY_INVOICE_DESCRIPTION,
            service=view.service.name,
            reader=view.reader.brand,
            when=when,
        ),
        "label": view.service.name,
        "payload": payment.checkout_id,
        "amount_minor": amount.amount_minor,
        "currency": amount.currency,
    }
    return Reply(
        text, choices=client_menu(turn), extras={turn.event.channel.value: {"invoice": invoice}}
    )


def is_yes(text: str) -> bool:
    """A typed confirmation in English or Arabic."""
    return text.strip().casefold().rstrip("!.") in YES
