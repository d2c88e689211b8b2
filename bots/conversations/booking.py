"""Client books a reading: reader -> service -> day -> slot -> (name, email) -> confirm."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from bots.conversations import booking_views as views
from bots.conversations import email_login
from bots.conversations.common import Conv, client_menu, domain_error_reply
from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import BookingVerb as Verb
from bots.engine import Conversation, InboundEvent, Reply, Step, Turn
from bots.language import Msg
from domain import errors, identity
from domain.analytics import funnel
from domain.booking import queries, service
from domain.enums import Channel, Role

DAYS_SHOWN = 7


class State(StrEnum):
    """Where a booking conversation stands."""

    PICK_DAY = "pick_day"
    ASK_NAME = "ask_name"
    ASK_EMAIL = "ask_email"
    ASK_CODE = "ask_code"
    CONFIRM = "confirm"


async def start(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Begin; a free-text request may already name the reader, day and time."""
    turn.ctx.clear()
    intent = turn.intent
    readers = await turn.deps.readers()
    if intent is not None:
        turn.ctx.update(views.intent_context(intent))
        wanted = intent.reader
        match = [r for r in readers if wanted and wanted.casefold() in r.name.casefold()]
        if len(match) == 1:
            return await _services_for(turn, match[0].id)
    if len(readers) == 1:
        return await _services_for(turn, readers[0].id)
    return Step.stay(views.pick_reader(turn, readers))


async def on_reader(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A reader was chosen: show what they offer."""
    assert event.action is not None
    return await _services_for(turn, UUID(hex=event.action.arg))


async def _services_for(turn: Turn[ChatDeps], reader_id: UUID) -> Step:
    offered = await turn.deps.services(reader_id)
    if not offered:
        text = turn.t("This reader has no readings on offer right now.")
        return Step.end(Reply(text, choices=client_menu(turn)))
    turn.ctx["reader_id"] = reader_id.hex
    if len(offered) == 1:
        return await _service_chosen(turn, offered[0].id.hex)
    return Step.stay(views.pick_service(turn, offered))


async def on_service(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A service was chosen: go straight to the asked day, or offer days."""
    assert event.action is not None
    return await _service_chosen(turn, event.action.arg)


async def _service_chosen(turn: Turn[ChatDeps], service_hex: str) -> Step:
    turn.ctx["service_id"] = service_hex
    if "day" in turn.ctx:
        return await _slots_for(turn, date.fromisoformat(turn.ctx["day"]))
    return Step.to(State.PICK_DAY, views.pick_day(turn, _today(turn), DAYS_SHOWN))


async def on_more_days(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Page through further days."""
    assert event.action is not None
    first = date.fromisoformat(event.action.arg)
    return Step.to(State.PICK_DAY, views.pick_day(turn, first, DAYS_SHOWN))


async def on_day(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A day was tapped."""
    assert event.action is not None
    return await _slots_for(turn, date.fromisoformat(event.action.arg))


async def on_day_text(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A day was typed ('friday', 'tomorrow at 5pm', 'الجمعة')."""
    parsed = views.parse_day(turn, event.text or "")
    if parsed.error:
        return Step.stay(Reply(turn.t(parsed.error), choices=views.day_choices(turn, _today(turn))))
    assert parsed.day is not None
    turn.ctx.update(parsed.extra)
    return await _slots_for(turn, parsed.day)


async def _slots_for(turn: Turn[ChatDeps], day: date) -> Step:
    if "service_id" not in turn.ctx:
        return await start(turn, turn.event)
    turn.ctx["day"] = day.isoformat()
    slots = await queries.free_slots(
        uow=turn.deps.uows(read_only=True),
        now=turn.now,
        service_id=UUID(hex=turn.ctx["service_id"]),
        client_zone=turn.actor.timezone,
        client_day=day,
    )
    exact = views.exact_slot(turn, slots)
    if exact is not None:
        return await _hold(turn, exact)
    if slots and not turn.ctx.get("offered") and turn.actor.role is Role.CLIENT:
        turn.ctx["offered"] = True  # once per booking conversation is enough for the funnel
        await funnel.slots_offered(
            uows=turn.deps.uows,
            clock=turn.deps.clock,
            channel=turn.event.channel,
            client_id=turn.actor.person_id,
        )
    return Step.to(State.PICK_DAY, views.pick_slot(turn, day, slots))


async def on_slot(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A time was tapped: hold it."""
    assert event.action is not None
    return await _hold(turn, datetime.fromtimestamp(int(event.action.arg), UTC))


async def _hold(turn: Turn[ChatDeps], starts_at: datetime) -> Step:
    request = service.HoldRequest(
        client_id=turn.actor.person_id,
        service_id=UUID(hex=turn.ctx["service_id"]),
        starts_at=starts_at,
        client_timezone=turn.actor.timezone,
        source_channel=turn.event.channel,
        hold_for=turn.deps.hold_for,
    )
    try:
        hold = await service.hold_slot(uow=turn.deps.uows(), clock=turn.deps.clock, request=request)
    except errors.SlotUnavailable:
        day = date.fromisoformat(turn.ctx["day"])
        turn.ctx.pop("time", None)
        step = await _slots_for(turn, day)
        lead = Reply(turn.t("Sorry, that time was just taken. Here are other times:"))
        return replace(step, replies=(lead, *step.replies))
    turn.ctx["hold_id"] = hold.id.hex
    return await _contact_or_confirm(turn)


async def _contact_or_confirm(turn: Turn[ChatDeps]) -> Step:
    """The web chat knows nobody: ask name and email before confirming."""
    needs = await views.missing_contact(turn)
    if needs == "name":
        return Step.to(State.ASK_NAME, Reply(turn.t("What's your name?")))
    if needs == "email":
        return Step.to(
            State.ASK_EMAIL, Reply(turn.t("What's your email? We send your confirmation there."))
        )
    return Step.to(State.CONFIRM, await views.confirm_prompt(turn))


async def on_name(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Store the client's name."""
    name = (event.text or "").strip()
    if not 1 <= len(name) <= 100:
        return Step.stay(Reply(turn.t("What's your name?")))
    await identity.update_client_contact(
        uow=turn.deps.uows(), client_id=turn.actor.person_id, name=name
    )
    turn.deps.forget_actor(event.channel, event.workspace, event.user_ref)
    return await _contact_or_confirm(turn)


async def on_email(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A new email is saved; a returning client's gets a code to prove it."""
    return await email_login.take_email(
        turn, event, code_state=State.ASK_CODE, then=_contact_or_confirm
    )


async def on_code(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The emailed code: this chat becomes the returning client's, and the hold with it."""
    return await email_login.take_code(
        turn,
        event,
        email_state=State.ASK_EMAIL,
        code_state=State.ASK_CODE,
        then=_contact_or_confirm,
    )


async def on_confirm(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Confirm the hold; a second tap shows the same booking."""
    assert event.action is not None
    try:
        booking = await service.confirm_booking(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            hold_id=UUID(hex=event.action.arg),
            client_id=turn.actor.person_id,
        )
    except errors.PaymentRequired:
        return await _ask_to_pay(turn, UUID(hex=event.action.arg))
    except errors.HoldExpired:
        step = await _slots_for(
            turn, date.fromisoformat(turn.ctx.get("day", _today(turn).isoformat()))
        )
        lead = Reply(turn.t("Your hold expired. Please choose a time again:"))
        return replace(step, replies=(lead, *step.replies))
    except errors.DomainError as error:
        return Step.end(domain_error_reply(turn, error))
    return Step.end(await views.booked(turn, booking))


async def _ask_to_pay(turn: Turn[ChatDeps], hold_id: UUID) -> Step:
    """A reading paid in advance: the hold waits for one checkout (a link, or an invoice)."""
    channel = turn.event.channel
    try:
        payment = await turn.deps.open_checkout(hold_id, turn.actor.person_id, channel)
    except errors.DomainError as error:
        return Step.end(domain_error_reply(turn, error))
    except errors.ConnectorError:
        return Step.stay(Reply(turn.t(Msg.PAY_PAGE_FAILED)))
    if turn.deps.paid_in_chat(payment, channel):
        return Step.end(await views.invoice_prompt(turn, payment))
    return Step.end(views.pay_prompt(turn, payment))


async def on_confirm_text(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'yes' confirms; anything else repeats the question."""
    if views.is_yes(event.text or "") and "hold_id" in turn.ctx:
        tapped = replace(event, action=views.confirm_action(turn.ctx["hold_id"]))
        return await on_confirm(turn, tapped)
    return Step.stay(await views.confirm_prompt(turn))


def _today(turn: Turn[ChatDeps]) -> date:
    return turn.now.astimezone(ZoneInfo(turn.actor.timezone)).date() + timedelta(days=0)


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.BOOKING,
    roles=frozenset({Role.CLIENT}),
    entry={"book": start, "intent:book": start},
    states={
        State.PICK_DAY: on_day_text,
        State.ASK_NAME: on_name,
        State.ASK_EMAIL: on_email,
        State.ASK_CODE: on_code,
        State.CONFIRM: on_confirm_text,
    },
    actions={
        Verb.START: start,
        Verb.READER: on_reader,
        Verb.SERVICE: on_service,
        Verb.DAYS: on_more_days,
        Verb.DAY: on_day,
        Verb.SLOT: on_slot,
        Verb.CONFIRM: on_confirm,
    },
    timeout=timedelta(minutes=30),
)

__all__ = ("CONVERSATION", "Channel")
