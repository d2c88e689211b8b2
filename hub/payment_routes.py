"""Payment routes: the built-in test-mode pay page (`/pay/{token}`) and the Stripe webhook."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bots.language import format_money, format_when, is_rtl, translator
from bots.language.messages import Msg
from connectors.payments.builtin import checkout_id_of
from connectors.payments.stripe_webhooks import StripeWebhookVerifier
from domain.billing.checkout import PayPage, pay_page
from domain.billing.fx import MissingFxRate
from domain.billing.payments import BUILTIN_PROVIDER
from domain.billing.provider_events import apply_payment_event
from domain.billing.settlement import ReceivedPayment, settle_payment
from domain.enums import PaymentStatus
from domain.errors import NotFound
from domain.ports.payments import InvalidWebhook
from hub.pages import WEB
from hub.runtime import Runtime
from hub.settings import Settings

log = logging.getLogger(__name__)
_TEMPLATES = Environment(loader=FileSystemLoader(WEB), autoescape=select_autoescape(["html"]))


def router() -> APIRouter:
    """The pay page: GET shows what is paid for, POST (its button) takes the test payment."""
    routes = APIRouter(include_in_schema=False)

    @routes.get("/pay/{token}", response_class=HTMLResponse)
    async def show(token: str, request: Request) -> HTMLResponse:
        runtime: Runtime = request.app.state.runtime
        found = await _page(runtime, token)
        if found is None:
            return _render("en", status=404, message=Msg.PAY_EXPIRED, problem=True)
        return _for(runtime, found)

    @routes.post("/pay/{token}", response_class=HTMLResponse)
    async def pay(
        token: str, request: Request, confirm: Annotated[str | None, Form()] = None
    ) -> HTMLResponse:
        del confirm  # the form has only the button
        runtime: Runtime = request.app.state.runtime
        found = await _page(runtime, token)
        if found is None:
            return _render("en", status=404, message=Msg.PAY_EXPIRED, problem=True)
        if _closed(runtime, found) is not None:
            return _for(runtime, found)
        payment = found.payment
        try:
            settled = await settle_payment(
                uow=runtime.database.uows(),
                clock=runtime.clock,
                received=ReceivedPayment(
                    provider=BUILTIN_PROVIDER,
                    amount=payment.amount,
                    payment_id=payment.id,
                    checkout_id=payment.checkout_id,
                    provider_payment_id=f"test-{payment.id}",
                ),
                platform_currency=runtime.settings.default_currency,
            )
        except MissingFxRate:
            return _render(found.language, status=503, message=Msg.PAY_UNAVAILABLE, problem=True)
        if settled.refund_due:
            message = translator(found.language).gettext(Msg.PAID_SLOT_TAKEN)
            text = message.format(amount=_amount(found))
            return _render(found.language, message=text, problem=True, **_details(found))
        return _render(found.language, message=Msg.PAY_DONE, **_details(found))

    return routes


async def _page(runtime: Runtime, token: str) -> PayPage | None:
    try:
        return await pay_page(
            uows=runtime.database.uows,
            provider=BUILTIN_PROVIDER,
            checkout_id=checkout_id_of(token),
        )
    except NotFound:
        return None


def _closed(runtime: Runtime, found: PayPage) -> Msg | None:
    """Why the page takes no payment (paid, lapsed), or None while it is open."""
    payment = found.payment
    if payment.status is not PaymentStatus.PENDING:
        return Msg.PAY_ALREADY
    if payment.expires_at is None or payment.expires_at <= runtime.clock.now():
        return Msg.PAY_EXPIRED
    return None


def _for(runtime: Runtime, found: PayPage) -> HTMLResponse:
    """The open page with its button, or why it is closed."""
    reason = _closed(runtime, found)
    if reason is not None:
        status = 200 if reason is Msg.PAY_ALREADY else 410
        return _render(
            found.language,
            status=status,
            message=reason,
            problem=reason is Msg.PAY_EXPIRED,
            **_details(found),
        )
    assert found.payment.expires_at is not None
    t = translator(found.language)
    until = format_when(found.payment.expires_at, found.client_timezone, found.language)
    return _render(
        found.language,
        can_pay=True,
        pay_label=t.gettext(Msg.PAY_BUTTON, amount=_amount(found)),
        until=t.gettext(Msg.PAY_UNTIL, until=until),
        **_details(found),
    )


def _details(found: PayPage) -> dict[str, Any]:
    t = translator(found.language)
    when = (
        format_when(found.starts_at, found.client_timezone, found.language)
        if found.starts_at
        else ""
    )
    return {
        "heading": t.gettext(Msg.PAY_HEADING, reader=found.reader_name),
        "description": found.description,
        "when": when,
        "amount": _amount(found),
    }


def _amount(found: PayPage) -> str:
    money = found.payment.amount
    return format_money(money.amount_minor, money.currency, found.language)


def _render(
    language: str,
    *,
    status: int = 200,
    message: Msg | str | None = None,
    problem: bool = False,
    **fields: Any,
) -> HTMLResponse:
    t = translator(language)
    html = _TEMPLATES.get_template("pay.html").render(
        language=language,
        rtl=is_rtl(language),
        test_banner=t.gettext(Msg.PAY_TEST_BANNER),
        heading=fields.pop("heading", "Samia"),
        message=t.gettext(message) if isinstance(message, Msg) else (message or ""),
        message_class="problem" if problem else "done",
        **fields,
    )
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(html, status_code=status, headers=headers)


def stripe_router(settings: Settings) -> APIRouter:
    """`POST /webhooks/stripe` (only when Stripe is configured): signed events, each once."""
    routes = APIRouter(include_in_schema=False)
    if settings.stripe is None:
        return routes  # an unconfigured provider has no route at all (404)
    verifier = StripeWebhookVerifier(settings.stripe)

    @routes.post("/webhooks/stripe")
    async def stripe_webhook(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        body = await request.body()  # the signature covers the raw bytes
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            events = verifier.verify(body=body, headers=headers, now=runtime.clock.now())
        except InvalidWebhook as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        outcomes = []
        for event in events:
            try:
                outcomes.append(
                    await apply_payment_event(
                        uows=runtime.database.uows,
                        clock=runtime.clock,
                        event=event,
                        platform_currency=runtime.settings.default_currency,
                    )
                )
            except NotFound:
                log.warning("stripe event %s matches no payment of ours", event.event_id)
                outcomes.append("unmatched")
            except MissingFxRate as error:  # Stripe retries for days: the rates will come
                return JSONResponse({"error": str(error)}, status_code=503)
        return JSONResponse({"status": "ok", "outcomes": outcomes})

    return routes
