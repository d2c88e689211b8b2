"""Message ids of the audience part of the client relationship (see `messages.Msg`)."""

from __future__ import annotations

from enum import StrEnum


class AudienceMsg(StrEnum):
    """Short English sentences with `{placeholders}`, translated in the catalogs."""

    STOPPED = (
        "Done: no more offers or news from us, in any chat or by email. Messages about "
        "your own bookings (confirmations, reminders) still come. Send 'start messages' "
        "to get offers again."
    )
    STARTED = (
        "Welcome back: you'll get our offers and news again. Send 'stop messages' any "
        "time to stop them."
    )
    ONLY_EMAIL = (
        "Done: offers and news now come by email only, to {email}; none in chat. "
        "Messages about your bookings still come here."
    )
    ONLY_EMAIL_NO_ADDRESS = (
        "Done: no more offers or news in chat. We don't have your email yet: send "
        "'my email' to add it and get them by email."
    )
    QUIET_SET = "Quiet hours set: no offers or follow-ups from {start} to {end} your time."
    QUIET_OFF = "Quiet hours off: messages may come at any time of day."
    QUIET_BAD = (
        "I couldn't read those hours. Write them like 'quiet hours 22:00-08:00', or "
        "'quiet hours off'. Nothing was changed."
    )
    QUIET_SAME = (
        "Quiet hours need a start and an end that differ, like 22:00-08:00. Nothing was changed."
    )
    PREFS_HEADER = "Your preferences:"
    PREFS_OFFERS_CHAT_ON = "Offers and news in chat: on"
    PREFS_OFFERS_CHAT_OFF = "Offers and news in chat: off"
    PREFS_OFFERS_EMAIL_ON = "Offers and news by email: on"
    PREFS_OFFERS_EMAIL_OFF = "Offers and news by email: off"
    PREFS_SERVICE_ON = "Messages about your bookings: on"
    PREFS_SERVICE_OFF = "Messages about your bookings: off"
    PREFS_QUIET = "Quiet hours: {start} to {end}"
    PREFS_QUIET_NONE = "Quiet hours: none"
    PREFS_CHANNEL = "Preferred channel: {channel}"
    PREFS_LANGUAGE = "Language: {language}"
    PREFS_EMAIL = "Email: {email}"
    PREFS_LEARNT_MORNING = (
        "From your bookings: you usually book {service} with {reader}, in the morning."
    )
    PREFS_LEARNT_AFTERNOON = (
        "From your bookings: you usually book {service} with {reader}, in the afternoon."
    )
    PREFS_LEARNT_EVENING = (
        "From your bookings: you usually book {service} with {reader}, in the evening."
    )
    PREFS_HOW = (
        "To change them: 'stop messages', 'start messages', 'only email', "
        "'quiet hours 22:00-08:00' or 'quiet hours off'."
    )
    CHANNEL_WEBCHAT = "web chat"
    CHANNEL_CONSOLE = "console"
    CHANNEL_TELEGRAM = "Telegram"
    CHANNEL_SLACK = "Slack"
    CHANNEL_MESSENGER = "Messenger"
    CHANNEL_INSTAGRAM = "Instagram"
    CHANNEL_EMAIL = "email"
    LANGUAGE_EN = "English"
    LANGUAGE_AR = "Arabic"
    BTN_STOP = "Stop messages"
    BTN_START = "Start messages"
    BTN_ONLY_EMAIL = "Only email"
    BTN_PREFERENCES = "My preferences"
    UNSUBSCRIBED_TITLE = "You are unsubscribed"
    UNSUBSCRIBED_BODY = (
        "You will get no more offers or news from us, in any chat or by email. Messages "
        "about your own bookings still come. To get offers again, send 'start messages' "
        "in our chat."
    )
    UNSUBSCRIBE_BAD_TITLE = "This link does not work"
    UNSUBSCRIBE_BAD_BODY = (
        "This unsubscribe link is not valid, so nothing was changed. Send 'stop messages' "
        "in our chat to stop offers."
    )
    UNSUBSCRIBE_FOOTER = "To stop offers and news from us, open this link:"
