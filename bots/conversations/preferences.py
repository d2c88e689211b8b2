"""A client's message preferences in chat: stop or start offers, only email, quiet hours.

"stop" at the top level (and "stop messages" anywhere) withdraws marketing on every
channel at once; the `/stop` command still means start over (account). Messages about
the client's own bookings are service messages and keep coming, which the reply says.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum

from bots.conversations.common import client_menu
from bots.conversations.deps import ChatDeps
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn, typed_phrase
from bots.language.messages_audience import AudienceMsg as Msg
from domain.crm import client_preferences as prefs
from domain.crm.booking_habits import TimeOfDay, booking_habits
from domain.enums import Channel, Role
from domain.errors import InvalidRequest

NAME = "pr"


class Verb(StrEnum):
    """Button verbs of the preferences conversation (`pr:`)."""

    STOP = "stop"
    START = "start"
    ONLY_EMAIL = "email"
    SHOW = "show"


# The entry keys: typed words land here (a bare "stop" must not reach account's `/stop`).
STOP, START, ONLY_EMAIL, SHOW, QUIET = (
    f"{NAME}:{v}" for v in ("stop", "start", "email", "show", "quiet")
)
# Unambiguous anywhere, even in the middle of a question (the engine's typed commands).
TYPED = {
    **dict.fromkeys(
        ("stop messages", "stop marketing", "unsubscribe", "opt out", "إيقاف الرسائل",
         "ايقاف الرسائل", "أوقف الرسائل", "اوقف الرسائل", "إلغاء الاشتراك", "الغاء الاشتراك"),
        STOP,
    ),
    **dict.fromkeys(
        ("start messages", "resume messages", "subscribe", "opt in", "تشغيل الرسائل",
         "استئناف الرسائل", "أعد الرسائل", "اعد الرسائل"),
        START,
    ),
    **dict.fromkeys(
        ("only email", "email only", "by email only", "البريد فقط", "بالبريد فقط",
         "البريد الإلكتروني فقط", "بالبريد الإلكتروني فقط"),
        ONLY_EMAIL,
    ),
    **dict.fromkeys(
        ("my preferences", "preferences", "my settings", "settings", "تفضيلاتي", "التفضيلات",
         "إعداداتي", "الإعدادات", "اعداداتي", "الاعدادات"),
        SHOW,
    ),
}  # fmt: skip
# Only at the top level: mid-question a bare "stop" is left to the question.
WORDS = {**TYPED, **dict.fromkeys(("stop", "إيقاف", "ايقاف", "توقف"), STOP)}
QUIET_WORDS = re.compile(r"^(?:quiet hours|quiet|ساعات الهدوء|ساعات هدوء)(?:\s+(?P<rest>.*))?$")
QUIET_OFF = {"off", "none", "no", "remove", "إيقاف", "ايقاف", "لا", "إلغاء", "الغاء", "بدون"}
_HOURS = re.compile(
    r"^(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*(?:-|–|to|الى|إلى|حتى)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?$"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
CHANNEL_NAMES = {
    Channel.WEBCHAT: Msg.CHANNEL_WEBCHAT,
    Channel.CONSOLE: Msg.CHANNEL_CONSOLE,
    Channel.TELEGRAM: Msg.CHANNEL_TELEGRAM,
    Channel.SLACK: Msg.CHANNEL_SLACK,
    Channel.MESSENGER: Msg.CHANNEL_MESSENGER,
    Channel.INSTAGRAM: Msg.CHANNEL_INSTAGRAM,
    Channel.EMAIL: Msg.CHANNEL_EMAIL,
}
LEARNT = {
    TimeOfDay.MORNING: Msg.PREFS_LEARNT_MORNING,
    TimeOfDay.AFTERNOON: Msg.PREFS_LEARNT_AFTERNOON,
    TimeOfDay.EVENING: Msg.PREFS_LEARNT_EVENING,
}


def client_intent(text: str) -> str | None:
    """A client's typed words about their messages: the entry key."""
    phrase = typed_phrase(text)
    if phrase in WORDS:
        return WORDS[phrase]
    return QUIET if QUIET_WORDS.match(phrase) else None


def parse_hours(text: str) -> tuple[time, time] | None:
    """'22:00-08:00', '22-8' or '٢٢:٠٠-٠٨:٠٠' as two wall times; None when not a window."""
    found = _HOURS.match(text.translate(_DIGITS).strip())
    if found is None:
        return None
    h1, h2 = int(found["h1"]), int(found["h2"])
    m1, m2 = int(found["m1"] or 0), int(found["m2"] or 0)
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        return None
    return time(h1, m1), time(h2, m2)


def _buttons(turn: Turn[ChatDeps], *verbs: Verb) -> tuple[Choice, ...]:
    labels = {
        Verb.STOP: Msg.BTN_STOP,
        Verb.START: Msg.BTN_START,
        Verb.ONLY_EMAIL: Msg.BTN_ONLY_EMAIL,
        Verb.SHOW: Msg.BTN_PREFERENCES,
    }
    own = (Choice.of(turn.t(labels[v]), Action(NAME, v.value, "")) for v in verbs)
    return (*own, *client_menu(turn))


async def stop_messages(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Marketing off on every channel at once; booking messages keep coming."""
    await prefs.set_marketing(
        uow=turn.deps.uows(), clock=turn.deps.clock, client_id=turn.actor.person_id,
        granted=False, source=prefs.CHAT_SOURCE,
    )  # fmt: skip
    return Step.end(Reply(turn.t(Msg.STOPPED), choices=_buttons(turn, Verb.START, Verb.SHOW)))


async def start_messages(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Marketing on again, by the client's own word in this chat."""
    await prefs.set_marketing(
        uow=turn.deps.uows(), clock=turn.deps.clock, client_id=turn.actor.person_id,
        granted=True, source=prefs.CHAT_SOURCE, channel=event.channel,
    )  # fmt: skip
    return Step.end(Reply(turn.t(Msg.STARTED), choices=_buttons(turn, Verb.ONLY_EMAIL, Verb.SHOW)))


async def only_email(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Offers by email, none in any chat."""
    email = await prefs.email_only(
        uow=turn.deps.uows(), clock=turn.deps.clock, client_id=turn.actor.person_id,
        source=prefs.CHAT_SOURCE,
    )  # fmt: skip
    said = turn.t(Msg.ONLY_EMAIL, email=email) if email else turn.t(Msg.ONLY_EMAIL_NO_ADDRESS)
    return Step.end(Reply(said, choices=_buttons(turn, Verb.STOP, Verb.SHOW)))


async def quiet_hours(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'quiet hours 22:00-08:00' sets them, 'quiet hours off' clears them."""
    found = QUIET_WORDS.match(typed_phrase(event.text or ""))
    rest = (found["rest"] or "").strip() if found else ""
    if not rest:
        return await show_preferences(turn, event)
    hours = (None, None) if rest in QUIET_OFF else parse_hours(rest)
    if hours is None:
        return Step.end(Reply(turn.t(Msg.QUIET_BAD), choices=_buttons(turn, Verb.SHOW)))
    start, end = hours
    try:
        await prefs.set_quiet_hours(
            uow=turn.deps.uows(), client_id=turn.actor.person_id, start=start, end=end
        )
    except InvalidRequest:
        return Step.end(Reply(turn.t(Msg.QUIET_SAME), choices=_buttons(turn, Verb.SHOW)))
    if start is None or end is None:
        return Step.end(Reply(turn.t(Msg.QUIET_OFF), choices=_buttons(turn, Verb.SHOW)))
    said = turn.t(Msg.QUIET_SET, start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    return Step.end(Reply(said, choices=_buttons(turn, Verb.SHOW)))


async def show_preferences(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Consent per purpose and channel, quiet hours, channel, language, what bookings say."""
    client_id = turn.actor.person_id
    summary = await prefs.messaging_summary(uow=turn.deps.uows(read_only=True), client_id=client_id)
    habits = await booking_habits(uow=turn.deps.uows(read_only=True), client_id=client_id)
    by_email = summary.marketing[Channel.EMAIL]
    on_off = (
        Msg.PREFS_OFFERS_CHAT_ON if summary.marketing_by_chat else Msg.PREFS_OFFERS_CHAT_OFF,
        Msg.PREFS_OFFERS_EMAIL_ON if by_email else Msg.PREFS_OFFERS_EMAIL_OFF,
        Msg.PREFS_SERVICE_ON if summary.service else Msg.PREFS_SERVICE_OFF,
    )
    lines = [turn.t(Msg.PREFS_HEADER), *(turn.t(m) for m in on_off)]
    if summary.quiet_start is not None and summary.quiet_end is not None:
        start, end = f"{summary.quiet_start:%H:%M}", f"{summary.quiet_end:%H:%M}"
        lines.append(turn.t(Msg.PREFS_QUIET, start=start, end=end))
    else:
        lines.append(turn.t(Msg.PREFS_QUIET_NONE))
    if summary.preferred_channel is not None:
        channel = turn.t(CHANNEL_NAMES[summary.preferred_channel])
        lines.append(turn.t(Msg.PREFS_CHANNEL, channel=channel))
    language = Msg.LANGUAGE_AR if turn.actor.language == "ar" else Msg.LANGUAGE_EN
    lines.append(turn.t(Msg.PREFS_LANGUAGE, language=turn.t(language)))
    if summary.email:
        lines.append(turn.t(Msg.PREFS_EMAIL, email=summary.email))
    if habits.time_of_day and habits.service_name and habits.reader_name:
        learnt = LEARNT[habits.time_of_day]
        lines.append(turn.t(learnt, service=habits.service_name, reader=habits.reader_name))
    lines.append(turn.t(Msg.PREFS_HOW))
    offers_on = summary.marketing_by_chat or summary.marketing[Channel.EMAIL]
    verbs = (Verb.STOP, Verb.ONLY_EMAIL) if offers_on else (Verb.START, Verb.ONLY_EMAIL)
    return Step.end(Reply("\n".join(lines), choices=_buttons(turn, *verbs)))


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=NAME,
    roles=frozenset({Role.CLIENT}),
    entry={
        STOP: stop_messages,
        START: start_messages,
        ONLY_EMAIL: only_email,
        QUIET: quiet_hours,
        SHOW: show_preferences,
    },
    actions={
        Verb.STOP: stop_messages,
        Verb.START: start_messages,
        Verb.ONLY_EMAIL: only_email,
        Verb.SHOW: show_preferences,
    },
)
