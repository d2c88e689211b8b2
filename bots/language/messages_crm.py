"""Message ids of the crm part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class CrmMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""

    # Private notes on a client ("note @maria ...").
    NOTE_SAVED = "Note saved for {name}."
    NOTE_SAVED_TOPICS = "Note saved for {name}. Topics: {topics}."
    NOTE_EMPTY = (
        "The note is empty. Write it after the client's name, "
        "for example: note @maria prefers evening sessions"
    )
    NOTE_TOO_LONG = "A note holds at most {limit} characters. Shorten it and send it again."
    NOTES_UNAVAILABLE = "Private notes are not available on this hub."
    # Finding the client a reader means.
    CLIENT_HOW = "Write the client's name or email, for example: client @maria"
    UNKNOWN_CLIENT = "None of your clients is called {ref}. Try their first name or their email."
    AMBIGUOUS_CLIENT = "Several of your clients are called {ref}. Which one?"
    PICK_EXPIRED = "That list is no longer active. Type the command again."
    # A client's history ("client @maria").
    HISTORY_TITLE = "Client: {name} ({email})"
    HISTORY_BOOKINGS = "Bookings: {total} ({held} held, {cancelled} cancelled, {no_show} no-show)."
    HISTORY_LAST = "Last: {when}, {service}."
    HISTORY_NEXT = "Next: {when}, {service}."
    HISTORY_NO_NEXT = "Next: nothing booked."
    HISTORY_SESSIONS = "Sessions held: {count}, {minutes} min in all."
    HISTORY_SESSION_LINE = "{when}: {minutes} min, {service}"
    HISTORY_TOPICS = "Topics: {topics}."
    HISTORY_PAID = "Paid: {total} in {count} payments."
    HISTORY_NOT_PAID = "Paid: nothing yet."
    HISTORY_RATINGS = "Ratings: {average} stars from {count}."
    HISTORY_NO_RATINGS = "Ratings: none yet."
    HISTORY_NOTES = "Your notes:"
    HISTORY_NO_NOTES = "You have no notes on this client yet."
    TOPIC_LOVE = "love"
    TOPIC_CAREER = "career"
    TOPIC_MONEY = "money"
    TOPIC_HEALTH = "health"
    TOPIC_FAMILY = "family"
    # Segments ("segments", "segment <rule>").
    SEGMENTS_HEADER = "Your segments, with how many clients each selects now:"
    SEGMENT_LINE = "{name}: {count} clients ({rule})"
    SEGMENTS_HINT = (
        "To count a new one, type segment and a rule, "
        "for example: segment no booking in 60 days and sessions >= 3"
    )
    RULE_COUNT = "{rule}: {count} clients now."
    SAVE_BUTTON = "Save"
    ASK_NAME = "What should this segment be called?"
    SAVED = "Saved “{name}”: {count} clients now. Use it by its name in a campaign."
    BAD_NAME = (
        "A segment's name has 1 to 200 characters and is not a ready segment's name. "
        "Type another name."
    )
    RULE_HOW = (
        "Write the rule after segment, for example: segment no booking in 60 days and sessions >= 3"
    )
    BAD_RULE = (
        "I could not read that rule, so nothing was saved. Conditions I know: "
        "no booking in 60 days, sessions >= 3, rated 5, bought package, birthday this month, "
        "country AE, first session in last 14 days, language ar, spent >= 100; "
        "join them with and / or. "
        "For example: segment no booking in 60 days and sessions >= 3"
    )
    SAVE_EXPIRED = "That rule is no longer open. Type segment and the rule again."
