"""The state behind the Google Calendar fake: events per calendar, change numbers, tokens.

Pure Python with no HTTP: each `do_*` method takes already-validated path parameters,
query and body and returns ``(status, json_or_None, headers)`` the way Google answers.
The owning fake calls them with its lock held.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

__all__ = ["Answer", "CalendarStore", "google_error"]

Answer = tuple[int, dict[str, Any] | None, dict[str, str]]
_EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
_DEFAULT_PAGE, _MAX_PAGE = 250, 2500
_BLOCKING = ("confirmed", "tentative")


def google_error(status: int, message: str, reason: str) -> dict[str, Any]:
    """Google's JSON error envelope."""
    detail = {"domain": "global", "reason": reason, "message": message}
    return {"error": {"errors": [detail], "code": status, "message": message}}


def _instant(value: str) -> datetime:
    """Parse RFC 3339 into aware UTC."""
    parsed = datetime.fromisoformat(value)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _bound(point: dict[str, Any]) -> datetime:
    """An event start/end; all-day dates count from UTC midnight."""
    if "dateTime" in point:
        return _instant(point["dateTime"])
    return _instant(point["date"] + "T00:00:00+00:00")


def _z(value: datetime) -> str:
    """RFC 3339 with a Z, as Google writes instants."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _public(event: dict[str, Any]) -> dict[str, Any]:
    """An event as the API returns it (no fake bookkeeping)."""
    return {k: v for k, v in event.items() if not k.startswith("_")}


def _tombstone(event: dict[str, Any]) -> dict[str, Any]:
    """A deleted event in a list answer: Google sends little more than the id."""
    return {
        "kind": "calendar#event",
        "etag": event["etag"],
        "id": event["id"],
        "status": "cancelled",
    }


def _not_found() -> Answer:
    """Google's 404 for an unknown event."""
    return 404, google_error(404, "Not Found", "notFound"), {}


class CalendarStore:
    """Events per calendar with a global change counter that sync tokens point into."""

    def __init__(self, *, max_page_size: int = _MAX_PAGE) -> None:
        """Start empty; `max_page_size` lets tests force pagination."""
        self.max_page_size = max_page_size
        self.calendars: defaultdict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self._seq = itertools.count(1)
        self.last_seq = 0
        self._sync_tokens: dict[str, tuple[str, int]] = {}
        self._page_tokens: dict[str, tuple[str, list[str], int]] = {}

    # -- helpers for tests ---------------------------------------------------------------

    def expire_sync_tokens(self) -> None:
        """Forget every sync token: their next use answers 410."""
        self._sync_tokens.clear()

    def put(
        self, calendar_id: str, event: dict[str, Any], *, created: bool = False
    ) -> dict[str, Any]:
        """Save an event with a new change number and the fields the server manages."""
        seq = self.last_seq = next(self._seq)
        now = _z(datetime.now(UTC))
        event_id = event.get("id") or uuid.uuid4().hex
        previous = self.calendars[calendar_id].get(event_id, {})
        stored = {
            "kind": "calendar#event",
            "status": "confirmed",
            "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
            "iCalUID": f"{event_id}@google.com",
            "created": previous.get("created", now),
            **event,
            "id": event_id,
            "sequence": previous.get("sequence", -1) + 1,
            "etag": f'"{seq}"',
            "updated": now,
            "_seq": seq,
        }
        self.calendars[calendar_id][event_id] = stored
        return _public(stored)

    def get(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        """A stored event as the API shows it, cancelled included."""
        stored = self.calendars.get(calendar_id, {}).get(event_id)
        return _public(stored) if stored else None

    def listing(self, calendar_id: str, *, include_cancelled: bool) -> list[dict[str, Any]]:
        """Stored events in change order."""
        stored = sorted(self.calendars.get(calendar_id, {}).values(), key=lambda e: e["_seq"])
        return [_public(e) for e in stored if include_cancelled or e["status"] != "cancelled"]

    # -- Calendar v3 methods -------------------------------------------------------------

    def do_events_insert(self, path: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        """events.insert: client ids must be base32hex 5-1024 and unique, even once deleted."""
        calendar = self.calendars[path["calendarId"]]
        event_id = body.get("id")
        if event_id is not None and not _EVENT_ID.match(event_id):
            return 400, google_error(400, "Invalid resource id value.", "invalid"), {}
        if event_id in calendar:
            message = "The requested identifier already exists."
            return 409, google_error(409, message, "duplicate"), {}
        if _bound(body["end"]) < _bound(body["start"]):
            return (
                400,
                google_error(400, "The specified time range is empty.", "timeRangeEmpty"),
                {},
            )
        return 200, self.put(path["calendarId"], body, created=True), {}

    def do_events_get(self, path: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        """events.get: deleted events are still returned, with status cancelled."""
        found = self.get(path["calendarId"], path["eventId"])
        return (200, found, {}) if found else _not_found()

    def do_events_patch(self, path: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        """events.patch: given fields replace stored ones (start/end replaced whole)."""
        stored = self.calendars[path["calendarId"]].get(path["eventId"])
        if stored is None:
            return _not_found()
        merged = {**_public(stored), **body}
        for key in ("extendedProperties",):
            if isinstance(stored.get(key), dict) and isinstance(body.get(key), dict):
                merged[key] = {**stored[key], **body[key]}
        return 200, self.put(path["calendarId"], merged), {}

    def do_events_update(self, path: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        """events.update: full replacement; restoring status "confirmed" undeletes."""
        stored = self.calendars[path["calendarId"]].get(path["eventId"])
        if stored is None:
            return _not_found()
        replacement = {**body, "id": path["eventId"], "status": body.get("status", "confirmed")}
        return 200, self.put(path["calendarId"], replacement), {}

    def do_events_delete(self, path: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        """events.delete: 204; an already deleted event answers 410, an unknown one 404."""
        stored = self.calendars[path["calendarId"]].get(path["eventId"])
        if stored is None:
            return _not_found()
        if stored["status"] == "cancelled":
            return 410, google_error(410, "Resource has been deleted", "deleted"), {}
        self.put(path["calendarId"], {**_public(stored), "status": "cancelled"})
        return 204, None, {}

    def do_events_list(self, path: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        """events.list with full or incremental sync, paging, and 410 for unknown sync tokens."""
        calendar_id = path["calendarId"]
        calendar = self.calendars[calendar_id]
        if "pageToken" in query:
            paged = self._page_tokens.pop(query["pageToken"], None)
            if paged is None or paged[0] != calendar_id:
                return 400, google_error(400, "Invalid page token value.", "invalid"), {}
            _, ids, snapshot = paged
        elif "syncToken" in query:
            token = self._sync_tokens.get(query["syncToken"])
            if token is None or token[0] != calendar_id:
                message = "Sync token is no longer valid, a full sync is required."
                return 410, google_error(410, message, "fullSyncRequired"), {}
            snapshot = self.last_seq
            changed = [e for e in calendar.values() if e["_seq"] > token[1]]
            ids = [e["id"] for e in sorted(changed, key=lambda e: e["_seq"])]
        else:
            snapshot = self.last_seq
            ids = self._full_listing(calendar, query)
        size = min(int(query.get("maxResults", _DEFAULT_PAGE)), _MAX_PAGE, self.max_page_size)
        page, rest = ids[:size], ids[size:]
        items = []
        for event_id in page:
            event = calendar[event_id]
            cancelled = event["status"] == "cancelled"
            items.append(_tombstone(event) if cancelled else _public(event))
        answer: dict[str, Any] = {
            "kind": "calendar#events",
            "summary": calendar_id,
            "timeZone": "UTC",
            "accessRole": "owner",
            "defaultReminders": [],
            "updated": _z(datetime.now(UTC)),
            "items": items,
        }
        if rest:
            token = f"page-{uuid.uuid4().hex}"
            self._page_tokens[token] = (calendar_id, rest, snapshot)
            answer["nextPageToken"] = token
        else:
            token = f"sync-{uuid.uuid4().hex}"
            self._sync_tokens[token] = (calendar_id, snapshot)
            answer["nextSyncToken"] = token
        return 200, answer, {}

    def _full_listing(
        self, calendar: dict[str, dict[str, Any]], query: dict[str, str]
    ) -> list[str]:
        """Ids for a listing without sync token: deleted ones only with showDeleted."""
        show_deleted = query.get("showDeleted") == "true"
        low = _instant(query["timeMin"]) if "timeMin" in query else None
        high = _instant(query["timeMax"]) if "timeMax" in query else None
        chosen = []
        for event in sorted(calendar.values(), key=lambda e: e["_seq"]):
            if event["status"] == "cancelled" and not show_deleted:
                continue
            if event["status"] != "cancelled" and (low or high):
                if high and _bound(event["start"]) >= high:
                    continue
                if low and _bound(event["end"]) <= low:
                    continue
            chosen.append(event["id"])
        return chosen

    def do_freebusy_query(self, path: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        """freeBusy.query: merged busy spans of opaque, live events, clipped to the window."""
        for required in ("timeMin", "timeMax"):
            if required not in body:
                return 400, google_error(400, f"Missing {required} parameter.", "required"), {}
        low, high = _instant(body["timeMin"]), _instant(body["timeMax"])
        calendars: dict[str, Any] = {}
        for item in body.get("items", []):
            spans = sorted(
                (max(_bound(e["start"]), low), min(_bound(e["end"]), high))
                for e in self.calendars.get(item["id"], {}).values()
                if e["status"] in _BLOCKING
                and e.get("transparency", "opaque") == "opaque"
                and _bound(e["start"]) < high
                and low < _bound(e["end"])
            )
            merged: list[list[datetime]] = []
            for start, end in spans:
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            calendars[item["id"]] = {"busy": [{"start": _z(s), "end": _z(e)} for s, e in merged]}
        answer = {
            "kind": "calendar#freeBusy",
            "timeMin": body["timeMin"],
            "timeMax": body["timeMax"],
            "calendars": calendars,
        }
        return 200, answer, {}
