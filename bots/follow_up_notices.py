"""A follow-up step (NoticeKind.FOLLOW_UP) as chat lines with buttons, or as an email.

The text is chosen by the sequence's template key (one catalog message each), with the
client's and the reader's names; a rebook or reschedule step names the reader's next
free time. The rating buttons carry the booking, which the ratings conversation checks;
so does the welcome's button (the client's own bookings only) and the package's button
carries its service, whose booking uses the last session or buys the package anew.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from bots.conversations.common import Conv
from bots.conversations.ratings import rating_choices
from bots.conversations.verbs import BookingVerb, ManageVerb
from bots.engine import Action, Choice
from bots.language import format_when, translator
from bots.language.messages_followups import FollowUpMsg as M
from domain.crm.sequences import Button, SequenceKey
from domain.ports.email import EmailCopy
from domain.ports.notify import Notice

TEXTS = {
    SequenceKey.THANK_YOU: M.THANK_YOU,
    SequenceKey.NO_SHOW: M.NO_SHOW,
    SequenceKey.WIN_BACK: M.WIN_BACK,
    SequenceKey.BIRTHDAY: M.BIRTHDAY,
    SequenceKey.WELCOME: M.WELCOME,
    SequenceKey.PACKAGE_LOW: M.PACKAGE_LOW,
}
BOOKING_BUTTONS = {
    Button.RESCHEDULE: M.RESCHEDULE_BUTTON,
    Button.REBOOK: M.REBOOK_BUTTON,
    Button.GIFT: M.GIFT_BUTTON,
    Button.BUY_PACKAGE: M.BUY_PACKAGE_BUTTON,
}


def follow_up_text(t: Callable[..., str], params: dict[str, str], zone: str, language: str) -> str:
    """The message and, for a booking button, the next free time."""
    names = {"client": params.get("client") or "", "reader": params.get("reader", "")}
    lines = [t(TEXTS.get(params.get("template", ""), M.WIN_BACK), **names)]
    if params.get("next_slot") and params.get("button") in BOOKING_BUTTONS:
        when = format_when(datetime.fromisoformat(params["next_slot"]), zone, language)
        lines.append(t(M.NEXT_SLOT, when=when))
    return "\n".join(lines)


def follow_up_lines(
    t: Callable[..., str], params: dict[str, str], zone: str, language: str
) -> tuple[list[str], tuple[Choice, ...]]:
    """The chat message: text, then star buttons or one button (booking, package, reader)."""
    text = follow_up_text(t, params, zone, language)
    button = params.get("button", "")
    if button == Button.RATE and params.get("booking_id"):
        return [text], rating_choices(params["booking_id"])
    action = _action(button, params)
    if action is None:
        return [text], ()
    label = M.MANAGE_BUTTON if button == Button.MANAGE else BOOKING_BUTTONS[button]
    return [text], (Choice.of(t(label), action),)


def _action(button: str, params: dict[str, str]) -> Action | None:
    """Where the step's button leads: the booking, the package's service, or the reader."""
    if button == Button.MANAGE:
        ref = params.get("booking_id")
        return Action(Conv.MANAGE.value, ManageVerb.SHOW.value, UUID(ref).hex) if ref else None
    if button not in BOOKING_BUTTONS:
        return None
    if button == Button.BUY_PACKAGE and params.get("service_id"):
        service = UUID(params["service_id"]).hex
        return Action(Conv.BOOKING.value, BookingVerb.SERVICE.value, service)
    reader = params.get("reader_id", "")
    verb = BookingVerb.READER if reader else BookingVerb.START
    return Action(Conv.BOOKING.value, verb.value, reader)


def follow_up_email(notice: Notice, language: str, zone: str = "UTC") -> EmailCopy:
    """The same words by email, signed by the reader."""
    t = translator(language).gettext
    params = dict(notice.params)
    reader = params.get("reader", "")
    text = follow_up_text(t, params, zone, language)
    return EmailCopy(
        subject=t(M.EMAIL_SUBJECT, reader=reader),
        text=f"{text}\n\n{t(M.EMAIL_SIGNATURE, reader=reader)}",
    )
