"""Identifiers the language layer hands to the conversation engine."""

from __future__ import annotations

from enum import StrEnum


class IntentKind(StrEnum):
    """What a free-text message asks for."""

    BOOK = "book"
    MY_BOOKINGS = "my_bookings"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    HELP = "help"
    GREETING = "greeting"
    LINK = "link"
    START_OVER = "start_over"
    UNKNOWN = "unknown"


class DayPeriod(StrEnum):
    """A part of the day named without a clock time ('evening', 'مساء')."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"
