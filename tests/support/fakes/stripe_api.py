"""A loopback fake of Stripe's v1 API for Checkout Sessions and Refunds.

Point the SDK at it with ``StripeSettings(api_url=fake.url, api_key=fake.api_key, ...)``.
It speaks Stripe's wire format: form-encoded nested parameters
(``line_items[0][price_data][currency]=gbp``), bearer API keys (a wrong key: 401),
JSON errors ``{"error": {"type", "code", "message", "param"}}`` and idempotency keys:
the same key with the same parameters replays the first answer (header
``Idempotent-Replayed: true``), the same key with other parameters is a 400
``idempotency_error``. Like Stripe, only executed requests are remembered: a request
refused by validation, or failed on purpose with `fail_next`, can be retried freely.
Problems with what a client sent are also collected in ``fake.violations``.

Recorded method names: ``checkout.sessions.create``, ``checkout.sessions.retrieve``,
``refunds.create``. ``fake.sessions_created`` counts sessions actually opened (replays
excluded), the figure a benchmark divides by paid bookings. ``pay(session_id)`` plays
the client paying; the ``*_event`` helpers and ``deliver`` produce signed webhooks.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from typing import Any, get_args

from babel.numbers import list_currencies
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp
from stripe.params.checkout import SessionCreateParams

from tests.support.fakes._recording import FakeVendor, ScriptedFailure
from tests.support.fakes.stripe_events import (
    charge_object,
    dispute_object,
    new_id,
    session_object,
    signed_delivery,
    stripe_event,
)

__all__ = ["StripeApiFake", "decode_form"]

JSON = dict[str, Any]
Answer = tuple[int, JSON]
_THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
_CURRENCIES = frozenset(code.lower() for code in list_currencies())
_SESSION_PARAMS = frozenset(
    {"mode", "line_items", "client_reference_id", "metadata", "payment_intent_data",
     "customer_email", "expires_at", "success_url", "cancel_url", "locale", "customer",
     "payment_method_types", "ui_mode", "expand", "allow_promotion_codes", "submit_type"}
)  # fmt: skip
_REFUND_PARAMS = frozenset({"payment_intent", "charge", "amount", "metadata", "reason"})
# Checkout's locales as the SDK's spec-generated `SessionCreateParams` types them.
_LOCALES = frozenset(
    re.findall(
        r"'([^']+)'", get_args(SessionCreateParams.__annotations__["locale"])[0].__forward_arg__
    )
)
_MIN_EXPIRY, _MAX_EXPIRY = 30 * 60, 24 * 3600
_FAULTS = {
    429: ("invalid_request_error", "rate_limit", "Request rate limit exceeded."),
    500: ("api_error", None, "An unknown error occurred."),
}


def decode_form(pairs: list[tuple[str, str]]) -> JSON:
    """Nested form keys (``a[0][b]=1``) into dicts and lists, as Stripe's API reads them."""
    root: JSON = {}
    for raw_key, value in pairs:
        *path, last = [part for part in re.split(r"[\[\]]", raw_key) if part]
        node = root
        for part in path:
            child = node.get(part)
            node = node.setdefault(part, {}) if isinstance(child, dict | None) else {}
        node[last] = value
    listed = _listify(root)
    assert isinstance(listed, dict)
    return listed


def _listify(value: Any) -> Any:
    """Dicts keyed "0", "1", ... (how the SDK sends lists) become lists."""
    if not isinstance(value, dict):
        return value
    items = {key: _listify(child) for key, child in value.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def _error(
    status: int, message: str, *, kind: str = "invalid_request_error", **extra: Any
) -> Answer:
    """Stripe's error body; `code` and `param` only when there is one."""
    body = {"type": kind, "message": message, **{k: v for k, v in extra.items() if v}}
    return status, {"error": body}


def _int(value: Any) -> int | None:
    """A form value that must be an integer ("1250"), else None."""
    return int(value) if isinstance(value, str) and re.fullmatch(r"-?\d+", value) else None


class StripeApiFake(FakeVendor):
    """Sessions, PaymentIntents with their charge, and refunds, kept in memory."""

    def __init__(
        self,
        *,
        api_key: str = "sk_test_samia_fake",
        webhook_secret: str = "whsec_samia_fake",
        clock: Callable[[], float] = time.time,
    ) -> None:
        """The key the API accepts, the secret deliveries are signed with, Stripe's clock."""
        super().__init__()
        self.api_key, self.webhook_secret, self.clock = api_key, webhook_secret, clock
        self._reset_state()
        self._app = Starlette(
            routes=[
                Route("/v1/checkout/sessions", self._create_session, methods=["POST"]),
                Route("/v1/checkout/sessions/{sid}", self._get_session, methods=["GET"]),
                Route("/v1/refunds", self._create_refund, methods=["POST"]),
            ]
        )

    @property
    def app(self) -> ASGIApp:
        """The Starlette app; serve it with `with fake:`."""
        return self._app

    def _reset_state(self) -> None:
        """No sessions, intents, refunds, remembered keys or violations."""
        self.sessions: dict[str, JSON] = {}
        self.charges: dict[str, JSON] = {}  # by PaymentIntent id
        self.refunds: list[JSON] = []
        self.violations: list[str] = []
        self.sessions_created = 0
        self._idempotent: dict[str, tuple[str, JSON, Answer]] = {}

    # -- test-facing helpers ---------------------------------------------------------------

    def fail_next(
        self, method: str, *, status: int = 429, times: int = 1, retry_after: str | None = None
    ) -> None:
        """Answer the next calls of `method` (or ``*``) with Stripe's 429 or 5xx error."""
        kind, code, message = _FAULTS.get(status, ("api_error", None, "Error."))
        _, body = _error(status, message, kind=kind, code=code)
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._script(method, ScriptedFailure(status=status, body=body, headers=headers), times)

    def pay(self, session_id: str) -> str:
        """The client pays the session: a PaymentIntent and its charge; returns the intent id."""
        with self._lock:
            session = self.sessions[session_id]
            intent = new_id("pi")
            session.update(
                status="complete", payment_status="paid", payment_intent=intent, url=None
            )
            self.charges[intent] = charge_object(
                amount=session["amount_total"],
                currency=session["currency"],
                payment_intent=intent,
                metadata=dict(session["payment_intent_data"].get("metadata", {})),
            )
            return intent

    def completed_event(self, session_id: str) -> JSON:
        """``checkout.session.completed`` for a session as it is now."""
        with self._lock:
            obj = {k: v for k, v in self.sessions[session_id].items() if k != "payment_intent_data"}
        return stripe_event("checkout.session.completed", obj, created=int(self.clock()))

    def refunded_event(self, payment_intent: str) -> JSON:
        """``charge.refunded`` with the charge's running `amount_refunded`."""
        with self._lock:
            charge = dict(self.charges[payment_intent])
        return stripe_event("charge.refunded", charge, created=int(self.clock()))

    def dispute_event(
        self, payment_intent: str, *, amount: int | None = None, reason: str = "fraudulent"
    ) -> JSON:
        """``charge.dispute.created`` for the intent's charge (whole amount by default)."""
        with self._lock:
            charge = self.charges[payment_intent]
            dispute = dispute_object(
                amount=charge["amount"] if amount is None else amount,
                currency=charge["currency"],
                charge=charge["id"],
                payment_intent=payment_intent,
                reason=reason,
            )
        return stripe_event("charge.dispute.created", dispute, created=int(self.clock()))

    def deliver(self, event: JSON, *, stale: bool = False) -> tuple[bytes, dict[str, str]]:
        """The event signed with the endpoint secret, as Stripe posts it (or replayed late)."""
        return signed_delivery(event, self.webhook_secret, timestamp=int(self.clock()), stale=stale)

    # -- HTTP ------------------------------------------------------------------------------

    async def _create_session(self, request: Request) -> Response:
        """POST /v1/checkout/sessions."""
        return await self._serve(request, "checkout.sessions.create", self._open_session)

    async def _get_session(self, request: Request) -> Response:
        """GET /v1/checkout/sessions/{id}."""
        return await self._serve(request, "checkout.sessions.retrieve", self._find_session)

    async def _create_refund(self, request: Request) -> Response:
        """POST /v1/refunds."""
        return await self._serve(request, "refunds.create", self._refund)

    async def _serve(
        self, request: Request, name: str, act: Callable[[Request, JSON], Answer]
    ) -> Response:
        """Authenticate, fail as scripted, replay or act, remember, record."""
        async with request.form() as form:
            params = decode_form([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
        params.update(request.query_params)
        status, body, headers = self._answer(request, name, params, act)
        self._record_request(request, name, params, status)
        headers = {"Request-Id": new_id("req"), **headers}
        return JSONResponse(body, status_code=status, headers=headers)

    def _answer(
        self, request: Request, name: str, params: JSON, act: Callable[[Request, JSON], Answer]
    ) -> tuple[int, JSON, dict[str, str]]:
        """The status, body and headers for one call."""
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if bearer != self.api_key:
            masked = f"{bearer[:7]}****{bearer[-4:]}" if bearer else "(none)"
            return (*_error(401, f"Invalid API Key provided: {masked}"), {})
        failure = self._take_failure(name)
        if failure is not None:
            return failure.status, failure.body, dict(failure.headers)
        key = request.headers.get("idempotency-key")
        with self._lock:
            if key is not None and key in self._idempotent:
                endpoint, first, answer = self._idempotent[key]
                if endpoint == name and first == params:
                    return (*answer, {"Idempotent-Replayed": "true"})
                message = (
                    "Keys for idempotent requests can only be used with the same parameters"
                    f" they were first used with. Try using a key other than '{key}' if you"
                    " meant to execute a different request."
                )
                return (*_error(400, message, kind="idempotency_error"), {})
            answer = act(request, params)
            if key is not None and answer[0] < 300:
                self._idempotent[key] = (name, params, answer)
        return (*answer, {})

    def _reject(self, message: str, *, param: str | None = None, code: str | None = None) -> Answer:
        """A 400 for a request Stripe would refuse, remembered as a violation."""
        self.violations.append(message)
        return _error(400, message, param=param, code=code)

    # -- behaviour (called with the lock held) ------------------------------------------------

    def _open_session(self, request: Request, params: JSON) -> Answer:
        """Validate like Stripe, then open a payment-mode session."""
        unknown = sorted(set(params) - _SESSION_PARAMS)
        if unknown:
            return self._reject(f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        if params.get("mode") != "payment":
            return self._reject("This fake opens payment-mode sessions only.", param="mode")
        if not params.get("success_url"):
            return self._reject("Missing required param: success_url.", param="success_url")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            return self._reject("line_items is required in payment mode.", param="line_items")
        total, currencies = 0, set()
        for index, item in enumerate(items):
            price = item.get("price_data") if isinstance(item, dict) else None
            quantity = _int(item.get("quantity")) if isinstance(item, dict) else None
            if not isinstance(price, dict) or quantity is None or quantity < 1:
                message = "each line item needs price_data and a quantity of at least 1"
                return self._reject(message, param=f"line_items[{index}]")
            unit, currency = _int(price.get("unit_amount")), price.get("currency")
            name = (price.get("product_data") or {}).get("name")
            if unit is None or unit < 0 or currency not in _CURRENCIES or not name:
                return self._reject(
                    "price_data needs unit_amount >= 0, a lower-case currency and a product name",
                    param=f"line_items[{index}][price_data]",
                )
            total += unit * quantity
            currencies.add(currency)
        if len(currencies) > 1:
            return self._reject("All line items must use the same currency.", param="line_items")
        (currency,) = currencies
        problem = self._amount_problem(total, currency)
        if problem:
            return self._reject(problem, param="line_items", code="amount_invalid")
        now = int(self.clock())
        expires_at = _int(params.get("expires_at")) if "expires_at" in params else now + _MAX_EXPIRY
        if expires_at is None or not now + _MIN_EXPIRY <= expires_at <= now + _MAX_EXPIRY:
            return self._reject(
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
                param="expires_at",
            )
        if params.get("locale", "auto") not in _LOCALES:
            return self._reject(f"Invalid locale: {params['locale']}", param="locale")
        metadata = params.get("metadata") or {}
        if len(metadata) > 50 or any(len(k) > 40 or len(v) > 500 for k, v in metadata.items()):
            return self._reject("metadata: at most 50 keys of 40 and values of 500 characters")
        session = session_object(
            amount_total=total,
            currency=currency,
            client_reference_id=params.get("client_reference_id"),
            payment_status="unpaid",
            metadata=metadata,
            created=now,
        )
        session.update(
            expires_at=expires_at,
            customer_email=params.get("customer_email"),
            locale=params.get("locale"),
            success_url=params["success_url"],
            cancel_url=params.get("cancel_url"),
            payment_intent_data=params.get("payment_intent_data") or {},
        )
        self.sessions[session["id"]] = session
        self.sessions_created += 1
        return 200, self._public(session)

    @staticmethod
    def _amount_problem(amount: int, currency: str) -> str | None:
        """Stripe's special amount rules: three-decimal and ISK (whole krónur, x100)."""
        if currency in _THREE_DECIMAL and amount % 10:
            return f"Amounts in {currency.upper()} must end in 0 (round to the nearest ten)."
        if currency == "isk" and amount % 100:
            return "Currency ISK has become effectively zero-decimal: amounts divisible by 100."
        return None

    @staticmethod
    def _public(session: JSON) -> JSON:
        """The session as the API returns it (without what we keep for our own use)."""
        return {k: v for k, v in session.items() if k != "payment_intent_data"}

    def _find_session(self, request: Request, params: JSON) -> Answer:
        """One session by id, or Stripe's resource_missing."""
        sid = request.path_params["sid"]
        if sid not in self.sessions:
            return _error(404, f"No such checkout.session: '{sid}'", code="resource_missing")
        return 200, self._public(self.sessions[sid])

    def _refund(self, request: Request, params: JSON) -> Answer:
        """Refund part or the rest of a PaymentIntent's charge, never more than is left."""
        unknown = sorted(set(params) - _REFUND_PARAMS)
        if unknown:
            return self._reject(f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        intent = params.get("payment_intent")
        charge = self.charges.get(intent) if isinstance(intent, str) else None
        if charge is None:
            message = f"No such payment_intent: '{intent}'"
            return _error(404, message, code="resource_missing", param="payment_intent")
        left = charge["amount"] - charge["amount_refunded"]
        amount = _int(params["amount"]) if "amount" in params else left
        if amount is None or amount < 1:
            return self._reject("Invalid positive integer", param="amount")
        if left == 0:
            message = f"Charge {charge['id']} has already been refunded."
            return _error(400, message, code="charge_already_refunded")
        if amount > left:
            message = (
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})"
            )
            return _error(400, message, code="amount_too_large", param="amount")
        problem = self._amount_problem(amount, charge["currency"])
        if problem:
            return self._reject(problem, param="amount", code="amount_invalid")
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        refund = {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(self.clock()),
            "currency": charge["currency"],
            "metadata": params.get("metadata") or {},
            "payment_intent": intent,
            "status": "succeeded",
        }
        self.refunds.append(refund)
        return 200, dict(refund)
