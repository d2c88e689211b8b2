"""`GET, POST /webhooks/mailchimp/{secret}`: Mailchimp list events (unsubscribe, cleaned...).

Mailchimp does not sign its webhooks, so the secret in the URL is the check (compared in
constant time; a wrong one is 404, as if there were no route). GET answers Mailchimp's
URL check. A POST is form-encoded (`type`, `fired_at`, `data[...]`); its effect and its
delivery record commit together, so a redelivery answers 200 and changes nothing.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from domain.crm.audience_events import AudienceEvent, AudienceEventKind, apply_audience_event
from hub.runtime import Runtime
from hub.settings import Settings

log = logging.getLogger(__name__)


def router(settings: Settings) -> APIRouter:
    """The route, only when Mailchimp and its webhook secret are configured."""
    routes = APIRouter(include_in_schema=False)
    mailchimp = settings.mailchimp
    if mailchimp is None or mailchimp.webhook_secret is None:
        return routes
    secret = mailchimp.webhook_secret.get_secret_value().encode()
    list_id = mailchimp.list_id

    def known(given: str) -> bool:
        return hmac.compare_digest(given.encode(), secret)

    @routes.get("/webhooks/mailchimp/{given}")
    async def url_check(given: str) -> Response:
        return Response(status_code=200 if known(given) else 404)

    @routes.post("/webhooks/mailchimp/{given}")
    async def event(given: str, request: Request) -> Response:
        if not known(given):
            return Response(status_code=404)
        form = {key: str(value) for key, value in (await request.form()).items()}
        if not form:  # the URL check may also be an empty POST
            return JSONResponse({"status": "ok"})
        parsed = _event(form)
        if parsed is None:
            return JSONResponse({"error": "not a Mailchimp list event"}, status_code=400)
        if parsed.list_id != list_id:
            log.warning("mailchimp event for another list %s ignored", parsed.list_id)
            return JSONResponse({"status": "ignored"})
        runtime: Runtime = request.app.state.runtime
        outcome = await apply_audience_event(
            uow=runtime.database.uows(), clock=runtime.clock, event=parsed
        )
        return JSONResponse({"status": outcome})

    return routes


def _event(form: dict[str, str]) -> AudienceEvent | None:
    """The event in a form body, or None when it is not one we know."""
    try:
        kind = AudienceEventKind(form.get("type", ""))
    except ValueError:
        return None
    email = form.get("data[new_email]") if kind is AudienceEventKind.UPEMAIL else None
    email = form.get("data[email]") or form.get("data[old_email]") or email
    fired_at, list_id = form.get("fired_at"), form.get("data[list_id]")
    if not email or not fired_at or not list_id:
        return None
    name = " ".join(
        part for part in (form.get("data[merges][FNAME]"), form.get("data[merges][LNAME]")) if part
    )
    return AudienceEvent(
        kind=kind,
        fired_at=fired_at,
        list_id=list_id,
        email=email,
        name=name or None,
        language=form.get("data[language]") or None,
        raw=form,
    )
