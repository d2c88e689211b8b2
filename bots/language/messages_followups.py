"""Message ids of follow-up sequences and ratings (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class FollowUpMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""

    # What clients receive, one per ready-made sequence.
    THANK_YOU = (
        "Thank you for your reading with {reader}, {client}. How was it? "
        "Tap the stars, and tell us anything we could do better."
    )
    NO_SHOW = "We missed you at your reading with {reader}, {client}. Would you like a new time?"
    WIN_BACK = "We miss you, {client}! {reader} would love to read for you again."
    BIRTHDAY = (
        "Happy birthday, {client}! {reader} has a gift for you: "
        "a birthday reading at a special price."
    )
    WELCOME = (
        "Welcome, {client}! {reader} is looking forward to your first reading. "
        "To prepare, find a quiet place and note one or two questions you would like to ask."
    )
    PACKAGE_LOW = (
        "{client}, you have one session left in your package with {reader}. "
        "Book it whenever you like; the booking after it starts a new package."
    )
    NEXT_SLOT = "Next free time: {when}."
    EMAIL_SUBJECT = "A message from {reader}"
    EMAIL_SIGNATURE = "{reader}, via Samia"
    # Buttons.
    RESCHEDULE_BUTTON = "Pick a new time"
    REBOOK_BUTTON = "Book again"
    GIFT_BUTTON = "Claim my gift"
    MANAGE_BUTTON = "See my booking"
    BUY_PACKAGE_BUTTON = "Book this package"
    # Ratings.
    RATING_THANKS = (
        "Thank you! {stars} recorded. Would you add a few words? Type them, or tap Skip."
    )
    RATING_ALREADY = "You already rated this reading. Thank you!"
    RATING_UNKNOWN = "I can't find that reading among yours, so nothing was recorded."
    RATING_NOT_YET = "You can rate a reading once it is completed."
    RATING_SKIP_BUTTON = "Skip"
    COMMENT_THANKS = "Thank you, your words will reach your reader."
    COMMENT_SKIPPED = "No problem. Thank you for rating!"
    # Readers switching their sequences.
    SEQUENCES = "Your follow-ups (tap to switch on or off):"
    SEQUENCE_ON = "✅ {name}"
    SEQUENCE_OFF = "⏸ {name}"
    SWITCHED_ON = "“{name}” is on."
    SWITCHED_OFF = "“{name}” is off."
    NAME_THANK_YOU = "Thank-you and rating, 2 hours after a session"
    NAME_NO_SHOW = "Missed session, 1 hour after"
    NAME_WIN_BACK = "We miss you, after 60 quiet days"
    NAME_BIRTHDAY = "Birthday greeting, 10:00 on the day"
    NAME_WELCOME = "Welcome, 5 minutes after a first booking"
    NAME_PACKAGE_LOW = "One session left in a package"
    READERS_ONLY = "Follow-ups are for readers."
