"""Message ids of the campaigns part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class CampaignMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""

    # What clients receive, and the report the reader gets when a campaign is done.
    BOOK_BUTTON = "Book a reading"
    OFFER_CODE = "Use code {code} when you book."
    REPORT = (
        "Your campaign “{name}” is done: {sent} sent, {failed} failed, "
        "{opted_out} opted out, {skipped} skipped."
    )
    # Launching one in chat.
    PICK_SEGMENT = "Who should receive it? Pick a segment or type a saved segment's name."
    UNKNOWN_SEGMENT = (
        "I don't know the segment “{segment}”. Pick a button or type a saved segment's name."
    )
    WRITE_MESSAGE = "Write the message, or pick a ready one."
    READY_OPENINGS = "New reading slots are open this week. Book yours!"
    READY_MISS_YOU = "It has been a while. I would love to read for you again."
    ASK_CODE = "Add an offer code? Type it (for example MOON20) or tap No code."
    NO_CODE_BUTTON = "No code"
    BAD_CODE = (
        "An offer code is 3 to 32 letters or digits, not used by another campaign. "
        "Type another or tap No code."
    )
    PREVIEW = "“{name}” goes to {count} clients: {channels}. Send it now or schedule it?"
    SEND_NOW_BUTTON = "Send now"
    SCHEDULE_BUTTON = "Schedule"
    ASK_TIME = (
        "When? Type a day and time, for example Friday 18:00. "
        "Each client gets it at that time in their own zone."
    )
    BAD_TIME = "I could not read that time. Try for example Friday 18:00."
    PAST_TIME = "That time has already passed. Pick a time in the future."
    NO_RECIPIENTS = "Nobody in that segment has agreed to marketing messages, so nothing was sent."
    TOO_LONG = (
        "The message is {length} characters; {channel} takes at most {limit}. "
        "Shorten it and send it again."
    )
    EMPTY = "The message is empty. Write something to send."
    SENDING = "Sending now to {count} clients. I will tell you when it is done."
    SCHEDULED = "Scheduled for {when}, in each client's own time, to {count} clients."
    LIST_HEADER = "Your recent campaigns:"
    LIST_LINE = "{number}. {name}: {status}, {sent} sent"
    NO_CAMPAIGNS = "You have no campaigns yet. Type campaign to start one."
    CANCELLED = "Campaign {number} is cancelled: {skipped} messages will not be sent."
    NOT_CANCELLABLE = "Campaign {number} is already {status}; there is nothing to cancel."
    NO_SUCH = "There is no campaign {number}. Type campaigns to see the list."
    STATUS_DRAFT = "draft"
    STATUS_SCHEDULED = "scheduled"
    STATUS_RUNNING = "sending"
    STATUS_DONE = "done"
    STATUS_CANCELLED = "cancelled"
