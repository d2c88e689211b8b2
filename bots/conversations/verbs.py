"""Button verbs, the second part of every payload (`<conversation>:<verb>:<arg>`).

One enum per conversation, defined here so `common`, `booking_views` and the
conversations can all name them without importing each other. The values are wire
strings: buttons already sent carry them, so they must never change.
"""

from __future__ import annotations

from enum import StrEnum


class BookingVerb(StrEnum):
    """Button verbs of the booking conversation (`bk:`)."""

    START = "start"
    READER = "reader"
    SERVICE = "svc"
    DAYS = "days"
    DAY = "day"
    SLOT = "slot"
    CONFIRM = "confirm"


class ManageVerb(StrEnum):
    """Button verbs for managing bookings (`my:`)."""

    LIST = "list"
    SHOW = "show"
    CANCEL = "cancel"
    CANCEL_YES = "cancel_yes"
    MOVE = "move"
    MOVE_DAY = "move_day"
    MOVE_TO = "move_to"


class ReaderVerb(StrEnum):
    """Reader buttons (`rd:`)."""

    TODAY = "today"
    UPCOMING = "upcoming"
    SUMMARY = "summary"
    HOURS = "hours"
    DONE = "done"
    NO_SHOW = "noshow"


class AccountVerb(StrEnum):
    """Greeting, help and start-over buttons (`ac:`)."""

    HELP = "help"
    MENU = "menu"
    RESTART = "restart"
    LANGUAGE = "lang"


class MoneyVerb(StrEnum):
    """Invoice and payment buttons (`mn:`)."""

    INVOICES = "invoices"  # a reader's list
    MY_INVOICES = "mine"  # a client's list
    REMIND = "remind"


class ReportVerb(StrEnum):
    """Report buttons (`rp:`); the argument is the period ("2026-11", "2026Q4")."""

    PNL = "pnl"
    TAX = "tax"
    OUTSTANDING = "owed"


class StatsVerb(StrEnum):
    """Analytics buttons (`st:`); the argument is the period ("2026-11", "last month")."""

    STATS = "stats"
    REVENUE = "rev"
    RATINGS = "rate"
    RETENTION = "keep"
    PEAK = "peak"
    CLIENTS = "cli"
    PLATFORM = "plat"
    CHURN = "churn"
    ERRORS = "err"
    LIVE = "live"
    FUNNEL = "fun"


ButtonVerb = (
    BookingVerb | ManageVerb | ReaderVerb | AccountVerb | MoneyVerb | ReportVerb | StatsVerb
)
