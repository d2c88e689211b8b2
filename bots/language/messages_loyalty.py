"""Message ids of the loyalty part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class LoyaltyMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""

    # Points.
    POINTS_HEADER = "Your points:"
    POINTS_LINE = "{reader}: {points} points (worth {worth})"
    POINTS_EXPIRE = "{points} of them expire on {day}."
    POINTS_FREE = "That is enough for a free reading with {reader}."
    POINTS_HOW = (
        "Type 'redeem' to use them on your next unpaid reading: 100 points take "
        "1 {currency} off, and {free} points make a reading free."
    )
    POINTS_NONE = (
        "You have no points yet. Every reading you pay for earns points with its reader, "
        "and inviting a friend earns more."
    )
    # Referrals.
    REFER = (
        "Invite a friend with your code {code}. When they pay for their first reading, "
        "you both get {bonus} points."
    )
    REFER_WEB = "Web link: {link}"
    REFER_TELEGRAM = "Telegram link: {link}"
    REFER_COUNT = "Friends you invited: {invited} (rewarded: {rewarded})."
    REF_ACCEPTED = (
        "You were invited by a friend: when you pay for your first reading, you both get "
        "{bonus} points."
    )
    REF_UNKNOWN = "That invitation code is not known. Nothing was changed."
    REF_SELF = "That is your own invitation code: share it with a friend instead."
    REF_LOOP = (
        "That code belongs to someone you invited, so it cannot be used. Nothing was changed."
    )
    REF_ALREADY = "You were already invited by a friend, so another code cannot be used."
    REF_NOT_NEW = (
        "Invitation codes are for new clients, and you have paid for a reading before. "
        "Nothing was changed."
    )
    # Redeeming.
    REDEEMED_DISCOUNT = (
        "Done: {points} points took {discount} off your reading on {when}. You now pay {price}."
    )
    REDEEMED_FREE = "Done: {points} points make your reading on {when} free."
    REDEEM_NO_BOOKING = (
        "You have no upcoming reading left to pay that points can go on. Book one first."
    )
    REDEEM_NO_POINTS = "You have no points with the reader of your next reading yet."
    # Buttons.
    BTN_POINTS = "My points"
    BTN_REDEEM = "Use my points"
    BTN_INVITE = "Invite a friend"
