"""What a client's free-text message asks for, in English or Arabic, for the common cases.

Buttons carry their own action; this is for what people type: 'book with Samia on
Saturday', 'غدا الساعة 5 مساء', 'cancel my booking'. The result is deterministic for a
given text, `now`, zone and reader list, and parsing takes well under a millisecond
for most messages (dateparser is only asked about written-out calendar dates).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from bots.language._text import detect_language, match_reader, normalize, token_forms
from bots.language._when import extract_when, warm_up
from bots.language.enums import DayPeriod, IntentKind

__all__ = ("DayPeriod", "Intent", "IntentKind", "parse_intent", "warm_up")


@dataclass(frozen=True, slots=True)
class Intent:
    """One message understood: what is asked, in which language, for when and with whom.

    `day` is a date in the client's zone. `time_of_day` is set only for a clock time
    ('5pm', 'الساعة 5 مساء' -> 17:00); `period` only for a part of the day said on its
    own ('evening', 'مساء'). `date_invalid` means a date was written but no such day
    exists ('February 30th', '30/2'): `day` is then None and the bot should say so.
    """

    kind: IntentKind
    language: str | None = None
    unsupported_language: bool = False
    day: date | None = None
    time_of_day: time | None = None
    period: DayPeriod | None = None
    reader: str | None = None
    link_code: str | None = None
    date_invalid: bool = False


_COMMAND: Final = re.compile(r"^/(?P<cmd>[a-z_]+)(?:@\w+)?(?:\s+(?P<arg>.*))?$", re.S | re.I)
_COMMANDS: Final = {
    "start": IntentKind.GREETING,
    "book": IntentKind.BOOK,
    "new": IntentKind.BOOK,
    "bookings": IntentKind.MY_BOOKINGS,
    "mybookings": IntentKind.MY_BOOKINGS,
    "my_bookings": IntentKind.MY_BOOKINGS,
    "appointments": IntentKind.MY_BOOKINGS,
    "cancel": IntentKind.CANCEL,
    "reschedule": IntentKind.RESCHEDULE,
    "move": IntentKind.RESCHEDULE,
    "help": IntentKind.HELP,
    "menu": IntentKind.HELP,
    "restart": IntentKind.START_OVER,
    "reset": IntentKind.START_OVER,
    "startover": IntentKind.START_OVER,
    "link": IntentKind.LINK,
}
_LINK_WORDS: Final = re.compile(r"^(?:link|ربط)\s+(?:code\s+)?(?P<code>[A-Za-z0-9][\w-]{3,63})$")
_CODE: Final = re.compile(r"[A-Za-z0-9][\w-]{0,63}")

# Checked in this order: the first kind whose words appear wins, so 'cancel my booking'
# is CANCEL, and 'book my reading' is BOOK although 'my reading' alone is MY_BOOKINGS.
_ORDER: Final = ("start_over", "cancel", "reschedule", "book_verb", "my_bookings", "book_noun",
                 "help")  # fmt: skip
_KIND_OF: Final = {
    "start_over": IntentKind.START_OVER,
    "cancel": IntentKind.CANCEL,
    "reschedule": IntentKind.RESCHEDULE,
    "book_verb": IntentKind.BOOK,
    "my_bookings": IntentKind.MY_BOOKINGS,
    "book_noun": IntentKind.BOOK,
    "help": IntentKind.HELP,
}
_PHRASES: Final = {
    "start_over": re.compile(
        r"\bstart (?:over|again)\b|\brestart\b|\bbegin again\b|\breset\b"
        r"|\bfrom (?:the )?(?:beginning|start|scratch)\b"
        r"|(?:ابدا|نبدا|البدء|ابدئي)\s+(?:من\s+)?(?:جديد|البدايه)|من البدايه|اعاده البدء"
    ),
    "cancel": re.compile(r"\bcancel\w*|\bcall (?:it )?off\b"),
    "reschedule": re.compile(
        r"\bre-?schedul\w*|\bpostpon\w*|\brebook\w*"
        r"|\b(?:move|change|shift)\b.{0,40}\b(?:booking|appointment|session|reading|time|date|day)s?\b"
        r"|(?:تغيير|غير|غيري|عدل|عدلي|تعديل|نقل|انقل|اجل|اجلي)\s+(?:ال)?(?:موعد|حجز|جلس)"
        r"|تاجيل|اعاده\s+(?:ال)?جدوله"
    ),
    "book_verb": re.compile(
        r"\bbook\b|\breserve\b|\bschedule\b|\bmake an? (?:appointment|booking)\b"
    ),
    "my_bookings": re.compile(
        r"\bmy (?:upcoming |next )?(?:bookings?|appointments?|sessions?|readings?|reservations?)\b"
        r"|\b(?:bookings|appointments|reservations)\b|\bupcoming\b|\bdo i have (?:a|any)\b"
        r"|\bwhen is my\b"
    ),
    "book_noun": re.compile(r"\b(?:reading|tarot|session|appointment|slot|consultation)s?\b"),
    "help": re.compile(
        r"\bhelp\b|\bmenu\b|\boptions\b|\bwhat can you do\b|\bhow does (?:this|it) work\b|^\?+$"
    ),
}
_TOKENS: Final = {
    "cancel": frozenset({"الغاء", "الغي", "الغ", "الغيه", "الغيها", "الغوا", "الغيلي", "كنسل",
                         "كانسل", "كنسلي"}),
    "book_verb": frozenset({"احجز", "احجزي", "احجزلي", "حجزلي", "نحجز", "تحجز", "يحجز",
                            "حجز"}),
    "my_bookings": frozenset({"حجوزاتي", "حجزي", "مواعيدي", "موعدي", "جلساتي", "قراءاتي",
                              "حجوزات", "مواعيد"}),
    "book_noun": frozenset({"قراءه", "قرايه", "جلسه", "موعد", "تاروت", "قراءات"}),
    "help": frozenset({"مساعده", "ساعدني", "ساعدوني", "القائمه", "الاوامر"}),
}  # fmt: skip
_GREETING: Final = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|greetings|salam|salaam|marhaba"
    r"|good (?:morning|afternoon|evening|day))\b"
    r"|^(?:مرحبا|مرحبتين|اهلا|اهلين|هلا|هلو|هاي|سلام|السلام عليكم|(?:صباح|مساء) (?:الخير|النور))"
)


def _keyword_kind(text: str) -> IntentKind | None:
    """The kind named by the message's words, in `_ORDER`."""
    forms = token_forms(re.findall(r"\w+", text))
    for key in _ORDER:
        if _PHRASES[key].search(text) or forms & _TOKENS.get(key, frozenset()):
            return _KIND_OF[key]
    return None


def _strip_names(text: str, reader_names: Sequence[str]) -> str:
    """The text without reader names, which say nothing about the writer's language."""
    for name in reader_names:
        folded = normalize(name)
        if folded:
            text = re.sub(rf"(?<!\w){re.escape(folded)}(?!\w)", " ", text)
    return text


def parse_intent(
    text: str,
    *,
    now: datetime,
    client_zone: str,
    language_hint: str | None,
    reader_names: Sequence[str],
) -> Intent:
    """Understand one free-text message.

    Args:
        text: the message as the client typed it.
        now: the current instant (aware); relative days ('tomorrow') count from the
            client's local date at this instant.
        client_zone: the client's IANA zone.
        language_hint: the language we already use with this client, if any; it keeps a
            lone foreign word ('merci') from being taken for an unsupported language.
        reader_names: the readers a message may name, as they should be returned.

    Returns:
        The intent. Unknown or unsupported-language messages are `IntentKind.UNKNOWN`.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    raw = text.strip()
    folded = normalize(raw)
    command = _COMMAND.match(raw)
    body = normalize(command["arg"] or "") if command else folded
    kind = _COMMANDS.get(command["cmd"].lower()) if command else None

    link_code: str | None = None
    if kind is IntentKind.LINK and command is not None:
        code = _CODE.match((command["arg"] or "").strip())
        link_code = code.group(0) if code else None
    elif kind is None and (link := _LINK_WORDS.match(raw)) is not None:
        kind, link_code, body = IntentKind.LINK, link["code"], ""

    detected = detect_language(_strip_names(body, reader_names), language_hint)
    if detected.unsupported and kind is None:
        return Intent(kind=IntentKind.UNKNOWN, unsupported_language=True)
    if kind is IntentKind.LINK:
        return Intent(kind=kind, language=detected.language, link_code=link_code)

    today = now.astimezone(ZoneInfo(client_zone)).date()
    when = extract_when(body, today=today, zone=client_zone)
    reader = match_reader(body, reader_names)
    if kind is None:
        kind = _keyword_kind(body)
    if kind is None:
        has_details = when.day or when.time_of_day or when.period or reader or when.date_invalid
        if has_details:
            kind = IntentKind.BOOK
        elif _GREETING.search(body):
            kind = IntentKind.GREETING
        else:
            kind = IntentKind.UNKNOWN
    return Intent(
        kind=kind,
        language=detected.language,
        unsupported_language=detected.unsupported,
        day=when.day,
        time_of_day=when.time_of_day,
        period=when.period,
        reader=reader,
        date_invalid=when.date_invalid,
    )
