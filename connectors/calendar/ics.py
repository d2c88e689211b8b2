"""A reader's bookings as an RFC 5545 iCalendar feed, for the built-in calendar.

Hand-written because no iCalendar library is a dependency; the format subset used here
is small: CRLF lines folded at 75 octets, TEXT escaping, UTC date-times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

__all__ = ["PRODID", "IcsEvent", "escape_text", "fold_line", "render_ics"]

PRODID = "-//Samia hub//Bookings//EN"
_CRLF = "\r\n"
_MAX_OCTETS = 75
# TEXT may not contain control characters other than HTAB (RFC 5545 3.3.11).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class IcsEvent:
    """One booking as it appears in the feed."""

    booking_id: UUID
    summary: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime  # last change of the booking: DTSTAMP and LAST-MODIFIED
    description: str = ""
    url: str | None = None
    location: str | None = None
    cancelled: bool = False
    sequence: int = 0  # bump on every reschedule so subscribed clients take the new time


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    escaped = _NEWLINE.sub("\\\\n", escaped)
    return _CONTROL.sub("", escaped)


def fold_line(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets, never splitting a character."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, _MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            # Continuation lines start with one space, which counts towards their 75 octets.
            current, size, limit = [], 0, _MAX_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return (_CRLF + " ").join(parts)


def _utc(value: datetime) -> str:
    """A DATE-TIME in UTC form, e.g. 20260301T100000Z."""
    if value.tzinfo is None:
        raise ValueError(f"ICS times must be timezone-aware, got {value.isoformat()}")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _uri(value: str) -> str:
    """A URI value is not TEXT-escaped, but a line break inside it would end the property."""
    return _CONTROL.sub("", _NEWLINE.sub("", value))


def _event_lines(event: IcsEvent) -> list[str]:
    """The content lines of one VEVENT, unfolded."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.booking_id}@samia-hub",
        f"DTSTAMP:{_utc(event.updated_at)}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{_uri(event.url)}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines


def render_ics(reader_name: str, events: Iterable[IcsEvent]) -> str:
    """The whole VCALENDAR: CRLF line endings, folded lines, one VEVENT per booking."""
    name = escape_text(reader_name)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
    ]
    for event in events:
        lines.extend(_event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + _CRLF for line in lines)
