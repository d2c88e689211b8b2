"""Names, buttons and messages shared by the conversations."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal, overload

from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import (
    AccountVerb,
    BookingVerb,
    ButtonVerb,
    ManageVerb,
    MoneyVerb,
    ReaderVerb,
)
from bots.engine import Action, Choice, Reply, Step, Turn
from bots.language import format_day, format_money, format_when
from domain import errors
from domain.booking.queries import BookingView

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Conv(StrEnum):
    """Conversation names; the first part of every button payload."""

    BOOKING = "bk"
    MANAGE = "my"
    READER = "rd"
    ACCOUNT = "ac"
    MONEY = "mn"  # a reader's invoices, payments and expenses
    MY_MONEY = "mc"  # a client's invoices
    REPORTS = "rp"  # a reader's P&L, tax report and unpaid invoices
    STATS = "st"  # a reader's analytics
    PLATFORM = "pf"  # the platform's analytics, for admins


# One overload per conversation, so a verb can only go with its own conversation.
@overload
def choice(
    turn: Turn[ChatDeps],
    label: str,
    conversation: Literal[Conv.BOOKING],
    verb: BookingVerb,
    arg: str = "",
) -> Choice: ...
@overload
def choice(
    turn: Turn[ChatDeps],
    label: str,
    conversation: Literal[Conv.MANAGE],
    verb: ManageVerb,
    arg: str = "",
) -> Choice: ...
@overload
def choice(
    turn: Turn[ChatDeps],
    label: str,
    conversation: Literal[Conv.READER],
    verb: ReaderVerb,
    arg: str = "",
) -> Choice: ...
@overload
def choice(
    turn: Turn[ChatDeps],
    label: str,
    conversation: Literal[Conv.MONEY],
    verb: MoneyVerb,
    arg: str = "",
) -> Choice: ...
@overload
def choice(
    turn: Turn[ChatDeps],
    label: str,
    conversation: Literal[Conv.ACCOUNT],
    verb: AccountVerb,
    arg: str = "",
) -> Choice: ...
def choice(
    turn: Turn[ChatDeps], label: str, conversation: Conv, verb: ButtonVerb, arg: str = ""
) -> Choice:
    """A translated button."""
    return Choice.of(turn.t(label), Action(conversation.value, verb.value, arg))


def client_menu(turn: Turn[ChatDeps]) -> tuple[Choice, ...]:
    """What a client can always do."""
    return (
        choice(turn, "Book a reading", Conv.BOOKING, BookingVerb.START),
        choice(turn, "My bookings", Conv.MANAGE, ManageVerb.LIST),
        choice(turn, "Help", Conv.ACCOUNT, AccountVerb.HELP),
    )


def my_invoices_choice(turn: Turn[ChatDeps]) -> Choice:
    """The client's button to their invoices (shown where money was just mentioned)."""
    return Choice.of(
        turn.t("My invoices"), Action(Conv.MY_MONEY.value, MoneyVerb.MY_INVOICES.value)
    )


def reader_menu(turn: Turn[ChatDeps]) -> tuple[Choice, ...]:
    """What a reader can always do."""
    return (
        choice(turn, "Today", Conv.READER, ReaderVerb.TODAY),
        choice(turn, "Upcoming", Conv.READER, ReaderVerb.UPCOMING),
        choice(turn, "Summary", Conv.READER, ReaderVerb.SUMMARY),
        choice(turn, "Hours", Conv.READER, ReaderVerb.HOURS),
        choice(turn, "Invoices", Conv.MONEY, MoneyVerb.INVOICES),
    )


def menu(turn: Turn[ChatDeps]) -> tuple[Choice, ...]:
    """The actor's menu."""
    return client_menu(turn) if turn.actor.role == "client" else reader_menu(turn)


def when(turn: Turn[ChatDeps], view: BookingView, zone: str | None = None) -> str:
    """A booking's start in the viewer's zone and language."""
    return format_when(view.booking.starts_at, zone or turn.actor.timezone, turn.actor.language)


def price(turn: Turn[ChatDeps], amount_minor: int, currency: str) -> str:
    """Money in the viewer's language."""
    return format_money(amount_minor, currency, turn.actor.language)


def day_label(turn: Turn[ChatDeps], day: Any) -> str:
    """A day in the viewer's language."""
    return format_day(day, turn.actor.language)


def domain_error_reply(turn: Turn[ChatDeps], error: errors.DomainError) -> Reply:
    """A clear, translated answer for a rule that said no, with the menu as a way forward."""
    messages = {
        errors.NotFound: "I couldn't find that. It may have been changed or cancelled.",
        errors.SlotUnavailable: "Sorry, that time was just taken. Please choose another time.",
        errors.HoldExpired: "Your hold expired. Please choose a time again.",
        errors.InvalidTransition: "That booking can no longer be changed.",
        errors.ConcurrentUpdate: "That booking was just changed. Please look at it again.",
    }
    if isinstance(error, errors.CancellationRefused):
        text = turn.t(
            "It's too late to change this booking (less than {hours} hours before). "
            "Please contact {reader}.",
            **error.params,
        )
    else:
        text = turn.t(messages.get(type(error), "That didn't work. Nothing was changed."))
    return Reply(text, choices=menu(turn))


# Each language's button is named in that language, whatever the chat is in now.
LANGUAGE_NAMES = {"en": "English", "ar": "عربي"}


def language_choice(turn: Turn[ChatDeps]) -> Choice:
    """The button that switches a client to the other language."""
    other = "en" if turn.actor.language == "ar" else "ar"
    return Choice.of(
        LANGUAGE_NAMES[other], Action(Conv.ACCOUNT.value, AccountVerb.LANGUAGE.value, other)
    )


def help_step(
    turn: Turn[ChatDeps], lead: str | None = None, *, offer_language: bool = False
) -> Step:
    """Help with buttons: never a dead end."""
    if turn.actor.role == "client":
        body = turn.t(
            "I can book a reading, show your bookings, reschedule or cancel them. "
            "Try 'book tomorrow at 5pm' or tap a button."
        )
    else:
        body = turn.t(
            "Ask me for today, upcoming sessions, your summary, or set your hours "
            "('mon 10:00-18:00', 'off 2026-12-24')."
        )
    text = f"{turn.t(lead)}\n{body}" if lead else body
    choices = menu(turn)
    if offer_language and turn.actor.role == "client":
        choices = (*choices, language_choice(turn))
    return Step.end(Reply(text, choices=choices))
