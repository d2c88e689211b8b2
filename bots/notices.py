"""A Notice (kind + raw values) rendered as a Reply in the recipient's language and zone.

Booking notices reuse the catalog messages the conversations already send (`Msg.BOOKED`,
`Msg.REMINDER`, ...), so they read the same in English and Arabic; the reader alerts
(`Msg.CALENDAR_CONFLICT`, `Msg.RECONNECT_ACCOUNT`) are in the same catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from bots.conversations.common import Conv
from bots.conversations.verbs import BookingVerb, ManageVerb, MoneyVerb
from bots.engine import Action, Choice, HubFile, Reply
from bots.follow_up_notices import follow_up_lines
from bots.language import format_day, format_money, format_when, translator
from bots.language.messages import Msg
from bots.language.messages_campaigns import CampaignMsg
from bots.notice_digest import digest_headline
from domain.billing import receipts
from domain.booking.queries import BookingView, booking_view
from domain.enums import InvoiceKind
from domain.errors import NotFound
from domain.ports.notify import Notice, NoticeKind
from domain.ports.storage import UnitOfWorkFactory

INVOICE_NOTICES = frozenset({NoticeKind.INVOICE_ISSUED, NoticeKind.INVOICE_REMINDER})
# Why a receipt was not saved (domain.billing.receipts), as the reader reads it.
RECEIPT_REASONS = {
    receipts.TOO_LARGE: Msg.RECEIPT_TOO_LARGE,
    receipts.WRONG_TYPE: Msg.RECEIPT_WRONG_TYPE,
    receipts.UNAVAILABLE: Msg.RECEIPT_UNAVAILABLE,
}


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
    if notice.kind is NoticeKind.CAMPAIGN:
        lines, choices = campaign_lines(tr.gettext, params)
    elif notice.kind is NoticeKind.FOLLOW_UP:
        lines, choices = follow_up_lines(tr.gettext, params, audience.timezone, audience.language)
    elif audience.is_client and notice.kind in INVOICE_NOTICES:
        choices = (
            Choice.of(
                tr.gettext(Msg.MY_INVOICES_BUTTON),
                Action(Conv.MY_MONEY.value, MoneyVerb.MY_INVOICES.value),
            ),
        )
    elif audience.is_client and view is not None:
        choices = (
            Choice.of(
                tr.gettext(Msg.MY_BOOKINGS), Action(Conv.MANAGE.value, ManageVerb.LIST.value)
            ),
        )
    # A notice that carries a document (an invoice's PDF) sends it as one on every channel.
    document_url = params.get("document_url") or None
    # A chart (the weekly digest) the hub keeps: uploaded where the platform takes bytes.
    image = (
        HubFile(key=params["image_key"], url=params["image_url"], filename="week.png")
        if params.get("image_key") and params.get("image_url")
        else None
    )
    return Reply("\n".join(lines), choices=choices, document_url=document_url, image_file=image)


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
    if kind in INVOICE_NOTICES:
        return invoice_headline(t, kind, params, audience.language)
    if kind is NoticeKind.PAYOUT_STATEMENT:
        return payout_headline(t, params, audience.language)
    if kind is NoticeKind.RECEIPT_NOT_SAVED:
        return receipt_headline(t, params, audience.language)
    if kind is NoticeKind.CAMPAIGN:
        return params.get("body", "")
    if kind is NoticeKind.FOLLOW_UP:
        return ""  # follow_up_lines writes it
    if kind is NoticeKind.CAMPAIGN_REPORT:
        return t(CampaignMsg.REPORT, **{k: params.get(k, "0") for k in _REPORT_FIELDS})
    if kind is NoticeKind.WEEKLY_DIGEST:
        return digest_headline(t, params, audience.language)
    provider = params.get("provider", "")
    if params.get("url"):
        return t(Msg.RECONNECT_ACCOUNT, provider=provider, url=params["url"])
    return t(Msg.RECONNECT_ACCOUNT_NO_URL, provider=provider)


_REPORT_FIELDS = ("name", "sent", "failed", "opted_out", "skipped")


def campaign_lines(
    t: Callable[..., str], params: dict[str, str]
) -> tuple[list[str], tuple[Choice, ...]]:
    """A campaign as the reader wrote it, its offer code, and a button to book that reader."""
    lines = [params.get("body", "")]
    if params.get("offer_code"):
        lines.append(t(CampaignMsg.OFFER_CODE, code=params["offer_code"]))
    if not params.get("booking_button"):
        return lines, ()
    reader = params.get("reader_id", "")
    verb = BookingVerb.READER if reader else BookingVerb.START
    return lines, (
        Choice.of(t(CampaignMsg.BOOK_BUTTON), Action(Conv.BOOKING.value, verb.value, reader)),
    )


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


def invoice_headline(
    t: Callable[..., str], kind: NoticeKind, params: dict[str, str], language: str
) -> str:
    """The invoice (or the reminder of an unpaid one): number, who from, how much."""
    amount = format_money(
        int(params.get("amount_minor", "0") or 0), params.get("currency", "USD"), language
    )
    message = Msg.INVOICE_NUDGE if kind is NoticeKind.INVOICE_REMINDER else Msg.INVOICE_READY
    if params.get("document") == InvoiceKind.CREDIT_NOTE.value:
        message = Msg.CREDIT_NOTE_READY
    return t(
        message, number=params.get("number", ""), reader=params.get("reader", ""), amount=amount
    )


def payout_headline(t: Callable[..., str], params: dict[str, str], language: str) -> str:
    """A payout to the reader: how much, for which days, its statement attached."""
    amount = format_money(
        int(params.get("amount_minor", "0") or 0), params.get("currency", "USD"), language
    )
    start, end = (params.get(k, "") for k in ("period_start", "period_end"))
    return t(
        Msg.PAYOUT_STATEMENT,
        amount=amount,
        start=format_day(date.fromisoformat(start), language) if start else "",
        end=format_day(date.fromisoformat(end), language) if end else "",
        sessions=params.get("sessions", "0"),
    )


def receipt_headline(t: Callable[..., str], params: dict[str, str], language: str) -> str:
    """A receipt that could not be kept: which expense, why, and that the expense stays."""
    amount = format_money(
        int(params.get("amount_minor", "0") or 0), params.get("currency", "USD"), language
    )
    why = RECEIPT_REASONS.get(params.get("reason", ""), Msg.RECEIPT_UNAVAILABLE)
    return t(Msg.RECEIPT_NOT_SAVED, amount=amount, category=params.get("category", ""), why=t(why))


async def _view(uows: UnitOfWorkFactory, booking_id: UUID | None) -> BookingView | None:
    """The booking with its reader and service, or None (deleted, or not about a booking)."""
    if booking_id is None:
        return None
    try:
        return await booking_view(uow=uows(read_only=True), booking_id=booking_id)
    except NotFound:
        return None
