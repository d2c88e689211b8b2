"""A client's own bookings: list, cancel, reschedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from bots.conversations import booking_views as views
from bots.conversations.common import (
    Conv,
    choice,
    client_menu,
    day_label,
    domain_error_reply,
    price,
    when,
)
from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import BookingVerb
from bots.conversations.verbs import ManageVerb as Verb
from bots.engine import Choice, Conversation, InboundEvent, Reply, Step, Turn
from bots.language import format_when
from domain import errors
from domain.booking import queries, service
from domain.enums import Role


class State(StrEnum):
    """Waiting for a typed day when moving a booking."""

    MOVE_DAY = "move_day"


async def list_bookings(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Upcoming bookings, one button each."""
    upcoming = await queries.client_upcoming(
        uow=turn.deps.uows(read_only=True), client_id=turn.actor.person_id, now=turn.now
    )
    if not upcoming:
        return Step.end(Reply(turn.t("You have no upcoming bookings."), choices=client_menu(turn)))
    buttons = tuple(
        choice(
            turn, f"{v.service.name} · {when(turn, v)}", Conv.MANAGE, Verb.SHOW, v.booking.id.hex
        )
        for v in upcoming[:10]
    )
    return Step.end(Reply(turn.t("Your upcoming bookings:"), choices=buttons))


async def show(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """One booking and what can be done with it."""
    assert event.action is not None
    view = await turn.deps.booking_view(UUID(hex=event.action.arg))
    if view.booking.client_id != turn.actor.person_id:
        return Step.end(domain_error_reply(turn, errors.NotFound()))
    text = turn.t(
        "{service} with {reader} on {when} ({price}). Reference {reference}.",
        service=view.service.name,
        reader=view.reader.brand,
        when=when(turn, view),
        price=price(turn, view.booking.price_minor, view.booking.currency),
        reference=view.booking.reference,
    )
    arg = view.booking.id.hex
    return Step.end(
        Reply(
            text,
            choices=(
                choice(turn, "Reschedule", Conv.MANAGE, Verb.MOVE, arg),
                choice(turn, "Cancel booking", Conv.MANAGE, Verb.CANCEL, arg),
                choice(turn, "My bookings", Conv.MANAGE, Verb.LIST),
            ),
        )
    )


async def ask_cancel(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Ask before cancelling."""
    assert event.action is not None
    view = await turn.deps.booking_view(UUID(hex=event.action.arg))
    text = turn.t("Cancel {service} on {when}?", service=view.service.name, when=when(turn, view))
    return Step.end(
        Reply(
            text,
            choices=(
                choice(turn, "Yes, cancel it", Conv.MANAGE, Verb.CANCEL_YES, event.action.arg),
                choice(turn, "Keep it", Conv.MANAGE, Verb.LIST),
            ),
        )
    )


async def cancel(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Cancel under the reader's policy and say what it cost."""
    assert event.action is not None
    try:
        outcome = await service.cancel_booking(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            booking_id=UUID(hex=event.action.arg),
            client_id=turn.actor.person_id,
        )
    except errors.DomainError as error:
        return Step.end(domain_error_reply(turn, error))
    text = turn.t("Cancelled.")
    if outcome.fee_minor:
        fee = price(turn, outcome.fee_minor, outcome.booking.currency)
        text = f"{text} {turn.t('A late-cancellation fee of {fee} applies.', fee=fee)}"
    return Step.end(Reply(text, choices=client_menu(turn)))


async def ask_move(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Pick the new day of a booking."""
    assert event.action is not None
    view = await turn.deps.booking_view(UUID(hex=event.action.arg))
    turn.ctx.clear()
    turn.ctx.update(booking_id=view.booking.id.hex, service_id=view.service.id.hex)
    today = turn.now.astimezone(ZoneInfo(turn.actor.timezone)).date()
    buttons = tuple(
        choice(turn, day_label(turn, d), Conv.MANAGE, Verb.MOVE_DAY, d.isoformat())
        for d in (today + timedelta(days=i) for i in range(7))
    )
    return Step.to(State.MOVE_DAY, Reply(turn.t("Move to which day?"), choices=buttons))


async def move_day(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Free times on the new day."""
    if event.action is not None:
        day = date.fromisoformat(event.action.arg)
    else:
        parsed = views.parse_day(turn, event.text or "")
        if parsed.day is None:
            return Step.stay(Reply(turn.t(parsed.error or "Which day?")))
        day = parsed.day
    slots = await queries.free_slots(
        uow=turn.deps.uows(read_only=True),
        now=turn.now,
        service_id=UUID(hex=turn.ctx["service_id"]),
        client_zone=turn.actor.timezone,
        client_day=day,
    )
    reply = views.pick_slot(turn, day, slots)
    slot_prefix, move_prefix = (
        f"{Conv.BOOKING}:{BookingVerb.SLOT}:",
        f"{Conv.MANAGE}:{Verb.MOVE_TO}:",
    )
    moved = tuple(
        Choice(c.label, c.action.replace(slot_prefix, move_prefix))
        for c in reply.choices
        if c.action.startswith(slot_prefix)
    )
    return Step.to(State.MOVE_DAY, Reply(reply.text, choices=moved or client_menu(turn)))


async def move_to(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Move the booking to the tapped time."""
    assert event.action is not None
    if "booking_id" not in turn.ctx:
        return Step.end(Reply(turn.t("Which booking?"), choices=client_menu(turn)))
    try:
        booking = await service.reschedule_booking(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            booking_id=UUID(hex=turn.ctx["booking_id"]),
            client_id=turn.actor.person_id,
            new_start=datetime.fromtimestamp(int(event.action.arg), UTC),
        )
    except errors.DomainError as error:
        return Step.end(domain_error_reply(turn, error))
    text = turn.t(
        "Moved to {when}.",
        when=format_when(booking.starts_at, turn.actor.timezone, turn.actor.language),
    )
    return Step.end(Reply(text, choices=client_menu(turn)))


async def cancel_from_text(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'cancel my booking': show the bookings to pick from."""
    return await list_bookings(turn, event)


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.MANAGE,
    roles=frozenset({Role.CLIENT}),
    entry={
        "bookings": list_bookings,
        "mybookings": list_bookings,
        "intent:my_bookings": list_bookings,
        "intent:cancel": cancel_from_text,
        "intent:reschedule": list_bookings,
        "reschedule": list_bookings,
    },
    states={State.MOVE_DAY: move_day},
    actions={
        Verb.LIST: list_bookings,
        Verb.SHOW: show,
        Verb.CANCEL: ask_cancel,
        Verb.CANCEL_YES: cancel,
        Verb.MOVE: ask_move,
        Verb.MOVE_DAY: move_day,
        Verb.MOVE_TO: move_to,
    },
)
