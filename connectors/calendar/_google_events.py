"""Translate between our calendar models and Calendar v3 JSON (events, free/busy)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from connectors.calendar.ids import is_our_event_id
from domain.booking.windows import TimeWindow
from domain.ports.calendar import CalendarEventRef, ExternalBusy, SessionEvent

# Private extended properties are visible only to our app; they let sync recognise our
# events even when someone edits the title, and tie an event back to its booking.
BOOKING_PROPERTY = "samia_booking"
KEY_PROPERTY = "samia_key"


def rfc3339(value: datetime) -> str:
    """A UTC instant as Google writes it, e.g. 2026-03-01T10:00:00Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_instant(value: str) -> datetime:
    """Parse an RFC 3339 timestamp (Z or offset) into aware UTC."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def event_body(event: SessionEvent, *, idempotency_key: str | None) -> dict[str, Any]:
    """The Event resource for a booking; with a key it is a full insert body, else a patch."""
    body: dict[str, Any] = {
        "summary": event.title,
        "description": event.description,
        "start": {"dateTime": rfc3339(event.starts_at), "timeZone": event.timezone},
        "end": {"dateTime": rfc3339(event.ends_at), "timeZone": event.timezone},
        # Patches send these even when empty so a removed attendee or place is cleared.
        "attendees": [{"email": email} for email in event.attendee_emails],
        "location": event.location or "",
    }
    if idempotency_key is not None:
        body["status"] = "confirmed"
        body["transparency"] = "opaque"
        body["extendedProperties"] = {
            "private": {BOOKING_PROPERTY: str(event.booking_id), KEY_PROPERTY: idempotency_key}
        }
        if not event.attendee_emails:
            del body["attendees"]
        if not event.location:
            del body["location"]
    return body


def event_ref(calendar_id: str, item: dict[str, Any]) -> CalendarEventRef:
    """Where a returned Event lives."""
    link = item.get("htmlLink")
    return CalendarEventRef(
        calendar_id=calendar_id,
        event_id=str(item["id"]),
        html_link=link if isinstance(link, str) else None,
    )


def _boundary(point: Any) -> datetime | None:
    """Start or end of an event: a dateTime, or an all-day date taken as UTC midnight."""
    if not isinstance(point, dict):
        return None
    if isinstance(point.get("dateTime"), str):
        return parse_instant(point["dateTime"])
    if isinstance(point.get("date"), str):
        return datetime.combine(date.fromisoformat(point["date"]), time(0), tzinfo=UTC)
    return None


def event_window(item: dict[str, Any]) -> TimeWindow | None:
    """The span an event covers; all-day events cover whole UTC days (end date exclusive)."""
    start, end = _boundary(item.get("start")), _boundary(item.get("end"))
    if start is None or end is None or end < start:
        return None
    return TimeWindow(start, end)


def _is_ours(item: dict[str, Any]) -> bool:
    """Our id shape, or our private property (events adopted from older id schemes)."""
    if is_our_event_id(str(item.get("id", ""))):
        return True
    properties = item.get("extendedProperties")
    private = properties.get("private") if isinstance(properties, dict) else None
    return isinstance(private, dict) and BOOKING_PROPERTY in private


def _declined_by_owner(item: dict[str, Any]) -> bool:
    """The calendar owner declined the invitation, so it does not make them busy."""
    attendees = item.get("attendees")
    if not isinstance(attendees, list):
        return False
    return any(
        isinstance(a, dict) and a.get("self") and a.get("responseStatus") == "declined"
        for a in attendees
    )


def change_from_item(item: dict[str, Any]) -> ExternalBusy:
    """One synced event as a change; events that do not block time carry no window."""
    event_id = str(item["id"])
    ours = _is_ours(item)
    if item.get("status") == "cancelled":
        return ExternalBusy(event_id=event_id, window=None, cancelled=True, ours=ours)
    if item.get("transparency") == "transparent" or _declined_by_owner(item):
        # Reported (not skipped) so an event that turned "free" clears its old busy window.
        return ExternalBusy(event_id=event_id, window=None, ours=ours)
    return ExternalBusy(event_id=event_id, window=event_window(item), ours=ours)


def busy_windows(payload: dict[str, Any], calendar_id: str) -> tuple[list[TimeWindow], list[str]]:
    """Busy windows and error reasons for one calendar of a freeBusy answer."""
    calendars = payload.get("calendars")
    if not isinstance(calendars, dict):
        return [], ["missingCalendars"]
    entry = calendars.get(calendar_id)
    if entry is None and len(calendars) == 1:  # Google may key "primary" by the address.
        entry = next(iter(calendars.values()))
    if not isinstance(entry, dict):
        return [], ["notFound"]
    reasons = [str(e.get("reason")) for e in entry.get("errors", []) if isinstance(e, dict)]
    windows = [
        TimeWindow(parse_instant(b["start"]), parse_instant(b["end"]))
        for b in entry.get("busy", [])
        if isinstance(b, dict)
    ]
    return windows, reasons
