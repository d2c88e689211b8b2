"""Booking routes outside the chat: Zoom meeting webhooks and a reader's ICS calendar feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from connectors.calendar.ics import IcsEvent, render_ics
from connectors.meetings.webhooks import url_validation_response, verify_zoom_signature
from domain.booking.feed import ReaderFeed, reader_feed
from domain.booking.sessions import record_meeting_times
from domain.enums import BookingStatus
from domain.errors import AccessDenied, NotFound
from hub.runtime import Runtime
from hub.settings import Settings

ZOOM = "zoom"
_MEETING_EVENTS = frozenset({"meeting.started", "meeting.ended"})


def router(settings: Settings) -> APIRouter:
    """`POST /webhooks/zoom` (only when Zoom is configured) and `GET /calendar/{reader}.ics`."""
    routes = APIRouter()
    zoom = settings.zoom

    async def zoom_webhook(request: Request) -> Response:
        assert zoom is not None
        runtime: Runtime = request.app.state.runtime
        body = await request.body()  # the signature covers the raw bytes, not re-encoded JSON
        secret = zoom.webhook_secret.get_secret_value()
        if not verify_zoom_signature(
            body,
            request.headers.get("x-zm-request-timestamp", ""),
            request.headers.get("x-zm-signature", ""),
            secret,
            now=runtime.clock.now().timestamp(),
        ):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        payload = _json_object(body)
        if payload is None:
            return JSONResponse({"error": "malformed body"}, status_code=400)
        event = str(payload.get("event", ""))
        if event == "endpoint.url_validation":
            plain = (payload.get("payload") or {}).get("plainToken")
            if not isinstance(plain, str) or not plain:
                return JSONResponse({"error": "missing plainToken"}, status_code=400)
            return JSONResponse(url_validation_response(plain, secret))
        if event in _MEETING_EVENTS:
            await _record_meeting(runtime, event, payload)
        return JSONResponse({"status": "ok"})

    if zoom is not None:  # an unconfigured provider has no route at all (404)
        routes.add_api_route(
            "/webhooks/zoom", zoom_webhook, methods=["POST"], include_in_schema=False
        )

    @routes.get("/calendar/{reader}.ics", include_in_schema=False)
    async def calendar_feed(reader: str, request: Request, token: str = "") -> Response:
        runtime: Runtime = request.app.state.runtime
        try:
            feed = await reader_feed(
                uow=runtime.database.uows(),
                slug=reader,
                token=token,
                now=runtime.clock.now(),
            )
        except NotFound:
            return Response("no such reader\n", status_code=404, media_type="text/plain")
        except AccessDenied:
            return Response("wrong token\n", status_code=403, media_type="text/plain")
        return Response(
            render_ics(feed.reader.brand, _ics_events(feed, runtime.clock.now())),
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )

    return routes


async def _record_meeting(runtime: Runtime, event: str, payload: dict[str, Any]) -> None:
    """Dedup on (event, event_ts, meeting uuid) and record the real start or end."""
    meeting = (payload.get("payload") or {}).get("object") or {}
    meeting_id = str(meeting.get("id", ""))
    if not meeting_id:
        return
    delivery = f"{event}:{payload.get('event_ts', '')}:{meeting.get('uuid') or meeting_id}"
    started = _instant(meeting.get("start_time"))
    ended = _instant(meeting.get("end_time")) if event == "meeting.ended" else None
    if event == "meeting.started" and started is None:
        started = _from_event_ts(payload.get("event_ts"))
    if event == "meeting.ended" and ended is None:
        ended = _from_event_ts(payload.get("event_ts"))
    await record_meeting_times(
        uows=runtime.database.uows,
        clock=runtime.clock,
        provider=ZOOM,
        delivery_id=delivery,
        meeting_id=meeting_id,
        started_at=started,
        ended_at=ended,
        raw=payload,
    )


def _ics_events(feed: ReaderFeed, now: datetime) -> list[IcsEvent]:
    return [
        IcsEvent(
            booking_id=entry.booking.id,
            summary=f"{entry.service_name} with {entry.client_name}",
            starts_at=entry.booking.starts_at,
            ends_at=entry.booking.ends_at,
            updated_at=entry.booking.updated_at or entry.booking.created_at or now,
            description=f"Booking {entry.booking.reference}",
            url=entry.booking.meeting_url,
            location=entry.booking.meeting_url,
            cancelled=entry.booking.status is BookingStatus.CANCELLED,
            sequence=entry.booking.rescheduled_count,
        )
        for entry in feed.entries
    ]


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _instant(value: Any) -> datetime | None:
    """Zoom's yyyy-MM-ddTHH:mm:ssZ as aware UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _from_event_ts(value: Any) -> datetime | None:
    """`event_ts` is milliseconds since the epoch."""
    if not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)
