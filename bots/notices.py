"""A Notice (kind + raw values) rendered as a Reply in the recipient's language and zone.

Booking notices reuse the catalog messages the conversations already send (`Msg.BOOKED`,
`Msg.REMINDER`, ...), so they read the same in English and Arabic; the reader alerts
(`Msg.CALENDAR_CONFLICT`, `Msg.RECONNECT_ACCOUNT`) are in the same catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from bots.conversations.common import Conv
from bots.conversations.verbs import ManageVerb
from bots.engine import Action, Choice, Reply
from bots.language import format_money, format_when, translator
from bots.language.messages import Msg
from domain.booking.queries import BookingView, booking_view
from domain.errors import NotFound
from domain.ports.notify import Notice, NoticeKind
from domain.ports.storage import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Audience:
    """How the recipient reads: language and IANA zone."""

    language: str
    timezone: str
    is_client: bool


async def render_notice(*, uows: UnitOfWorkFactory, notice: Notice, audience: Audience) -> Reply:
    """The notice as one reply; booking details come from the booking itself when given."""
    view = await _view(uows, notice.booking_id)
    tr = translator(audience.language)
    params = dict(notice.params)
    values: dict[str, object] = {}
    if view is not None:
        values = {
            "service": view.service.name,
            "reader": view.reader.brand,
            "when": format_when(view.booking.starts_at, audience.timezone, audience.language),
            "reference": view.booking.reference,
        }
    values |= {k: v for k, v in params.items() if k in ("service", "reader", "reference")}
    meeting_url = params.get("meeting_url") or (view.booking.meeting_url if view else None)
    lines = [_headline(tr.gettext, notice.kind, values, params, view, audience)]
    if meeting_url and notice.kind in (NoticeKind.BOOKING_CONFIRMED, NoticeKind.REMINDER):
        lines.append(tr.gettext(Msg.JOIN_LINK, url=meeting_url))
    choices: tuple[Choice, ...] = ()
    if audience.is_client and view is not None:
        choices = (
            Choice.of(
                tr.gettext(Msg.MY_BOOKINGS), Action(Conv.MANAGE.value, ManageVerb.LIST.value)
            ),
        )
    return Reply("\n".join(lines), choices=choices)


def _headline(
    t: Callable[..., str],
    kind: NoticeKind,
    values: dict[str, object],
    params: dict[str, str],
    view: BookingView | None,
    audience: Audience,
) -> str:
    """The first line of the notice, by kind."""
    if kind is NoticeKind.BOOKING_CONFIRMED:
        return t(Msg.BOOKED, **values)
    if kind is NoticeKind.REMINDER:
        return t(Msg.REMINDER, **values)
    if kind is NoticeKind.BOOKING_RESCHEDULED:
        return t(Msg.MOVED, **values)
    if kind is NoticeKind.BOOKING_CANCELLED:
        fee = view.booking.fee_minor if view else int(params.get("fee_minor", "0") or 0)
        currency = view.booking.currency if view else params.get("currency", "USD")
        fee_text = (
            t(Msg.LATE_FEE, fee=format_money(fee, currency, audience.language))
            if fee > 0
            else t(Msg.NO_FEE)
        )
        return t(Msg.CANCELLED, fee_text=fee_text)
    if kind is NoticeKind.CALENDAR_CONFLICT:
        return t(Msg.CALENDAR_CONFLICT, **values)
    if kind in (NoticeKind.PAYMENT_REFUNDED, NoticeKind.PAYMENT_DISPUTED):
        return _money_headline(t, kind, params, audience)
    provider = params.get("provider", "")
    if params.get("url"):
        return t(Msg.RECONNECT_ACCOUNT, provider=provider, url=params["url"])
    return t(Msg.RECONNECT_ACCOUNT_NO_URL, provider=provider)


def _money_headline(
    t: Callable[..., str], kind: NoticeKind, params: dict[str, str], audience: Audience
) -> str:
    """A refund told to the client, or a dispute told to the reader."""
    amount = format_money(
        int(params.get("amount_minor", "0") or 0), params.get("currency", "USD"), audience.language
    )
    if kind is NoticeKind.PAYMENT_DISPUTED:
        return t(Msg.PAYMENT_DISPUTED, amount=amount, reason=params.get("reason") or "-")
    if params.get("reason") == "slot_taken":
        return t(Msg.PAID_SLOT_TAKEN, amount=amount)
    return t(Msg.REFUNDED, amount=amount)


async def _view(uows: UnitOfWorkFactory, booking_id: UUID | None) -> BookingView | None:
    """The booking with its reader and service, or None (deleted, or not about a booking)."""
    if booking_id is None:
        return None
    try:
        return await booking_view(uow=uows(read_only=True), booking_id=booking_id)
    except NotFound:
        return None
