"""Telegram's native payments: the invoice in the chat, the check before it charges, the money.

When the client is on Telegram and the operator set a payment provider token, a prepaid
booking's checkout is a Telegram invoice instead of a pay link:

1. The booking step opens ONE pending payment as for any provider (`request_payment`),
   through `TelegramCheckout`. Its checkout id is the invoice payload: an HMAC of the
   checkout's idempotency key under the hub's secret (43 characters; Telegram allows 128),
   so asking again gives the same payload, and the payload alone names no payment.
2. The step's reply carries the invoice (`Reply.extras["telegram"]["invoice"]`); the
   renderer makes it a `sendInvoice` call and the sender adds the provider token, so it
   goes out through the same keyed delivery as every other reply.
3. When the client presses Pay, Telegram asks first (`pre_checkout_query`) and needs the
   answer within 10 seconds: `answer_pre_checkout` asks the domain's `check_before_charge`
   and says yes, or no with the reason in the client's language. Nothing is charged on a no.
4. Telegram then sends a `successful_payment` message: `settle_successful_payment` settles
   it once (provider "telegram", Telegram's charge id as the provider's payment id, the
   processor's charge id beside it). A repeat finds it settled and says nothing.

Amounts: `total_amount` and invoice prices are minor units at the exponent of Telegram's
currencies.json (core.telegram.org/bots/payments/currencies.json). That matches ISO 4217
(ours, from CLDR) for every currency Telegram takes except AFN, ALL, LBP, RSD and YER,
where Telegram counts two decimals that ISO does not: those are scaled both ways. A
currency Telegram does not take (KWD and the other three-decimal ones among them) keeps
the pay link.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging

from telegram import Message, PreCheckoutQuery
from telegram.error import TelegramError

from bots.engine import Reply
from bots.language import format_money, translator
from bots.language.messages import Msg
from domain.billing.money import Money, exponent
from domain.billing.precheckout import ChargeCheck, check_before_charge
from domain.billing.settlement import ReceivedPayment, settle_payment
from domain.booking.queries import client_profile
from domain.clock import Clock
from domain.enums import ChargeRefusal, PaymentMethod
from domain.errors import NotFound, PermanentConnectorError
from domain.ports.payments import Checkout, CheckoutRequest, ProviderRefund
from domain.ports.storage import UnitOfWorkFactory

log = logging.getLogger(__name__)

PAYMENT_PROVIDER = "telegram"  # stored on the payments an invoice takes
INVOICE_URL = "telegram-invoice:"  # no page to open: the invoice is a message in the chat
# Telegram's 10 s deadline, less room for the answer itself to travel: past this the
# check is abandoned and the client is told to try again, rather than left to time out.
CHECK_BUDGET_SECONDS = 7.0

# Currencies Telegram takes (its currencies.json; XTR, its Stars, is not money we book).
TELEGRAM_CURRENCIES = frozenset(
    {
        "AED", "AFN", "ALL", "AMD", "ARS", "AUD", "AZN", "BAM", "BDT", "BGN", "BND", "BOB", "BRL",
        "BYN", "CAD", "CHF", "CLP", "CNY", "COP", "CRC", "CZK", "DKK", "DOP", "DZD", "EGP", "ETB",
        "EUR", "GBP", "GEL", "GTQ", "HKD", "HNL", "HRK", "HUF", "IDR", "ILS", "INR", "ISK", "JMD",
        "JPY", "KES", "KGS", "KRW", "KZT", "LBP", "LKR", "MAD", "MDL", "MNT", "MUR", "MVR", "MXN",
        "MYR", "MZN", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PHP", "PKR", "PLN", "PYG",
        "QAR", "RON", "RSD", "RUB", "SAR", "SEK", "SGD", "THB", "TJS", "TRY", "TTD", "TWD", "TZS",
        "UAH", "UGX", "USD", "UYU", "UZS", "VND", "YER", "ZAR",
    }
)  # fmt: skip
# Where Telegram's `exp` differs from ISO 4217 (checked against CLDR for every code above).
_TELEGRAM_EXPONENT = {"AFN": 2, "ALL": 2, "LBP": 2, "RSD": 2, "YER": 2}

REFUSAL_MESSAGES = {
    ChargeRefusal.UNKNOWN: Msg.PAY_REFUSED_UNKNOWN,
    ChargeRefusal.SETTLED: Msg.PAY_REFUSED_SETTLED,
    ChargeRefusal.AMOUNT_CHANGED: Msg.PAY_REFUSED_CHANGED,
    ChargeRefusal.SLOT_TAKEN: Msg.PAY_REFUSED_SLOT_TAKEN,
    ChargeRefusal.UNAVAILABLE: Msg.PAY_UNAVAILABLE,
}


def _scale(currency: str) -> int:
    """Telegram's minor units per one of ours (100 for AFN: Telegram counts its puls)."""
    return int(10 ** (_TELEGRAM_EXPONENT.get(currency, exponent(currency)) - exponent(currency)))


def telegram_amount(money: Money) -> int:
    """An amount as Telegram's `prices[].amount` counts it."""
    return money.amount_minor * _scale(money.currency)


def our_money(currency: str, total_amount: int) -> Money | None:
    """Telegram's `total_amount` as our Money; None for a currency or amount we never asked."""
    if currency not in TELEGRAM_CURRENCIES or total_amount < 0:
        return None
    minor, rest = divmod(total_amount, _scale(currency))
    return Money(minor, currency) if rest == 0 else None


class TelegramCheckout:
    """`InChatPaymentProvider` whose checkout is an invoice the Telegram chat shows."""

    def __init__(self, *, secret: bytes) -> None:
        """Payloads are keyed by the hub's secret."""
        self._secret = secret

    @property
    def name(self) -> str:
        """Stored on the payments it takes."""
        return PAYMENT_PROVIDER

    def accepts(self, currency: str) -> bool:
        """Whether Telegram takes payments in this currency."""
        return currency in TELEGRAM_CURRENCIES

    async def create_checkout(self, *, request: CheckoutRequest, idempotency_key: str) -> Checkout:
        """The invoice payload for this payment: the same key always gives the same one."""
        if not self.accepts(request.amount.currency):
            raise PermanentConnectorError(
                f"Telegram takes no payments in {request.amount.currency}",
                provider=PAYMENT_PROVIDER,
            )
        digest = hmac.new(self._secret, idempotency_key.encode(), hashlib.sha256).digest()
        payload = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return Checkout(PAYMENT_PROVIDER, payload, INVOICE_URL + payload)

    async def refund(
        self, *, provider_payment_id: str, amount: Money, idempotency_key: str
    ) -> ProviderRefund:
        """Refused: the Bot API refunds only Stars; card payments go back at the processor."""
        raise PermanentConnectorError(
            f"refund {amount} of Telegram charge {provider_payment_id} in the payment "
            "provider's dashboard (the payment keeps the processor's charge id)",
            provider=PAYMENT_PROVIDER,
        )


async def answer_pre_checkout(
    query: PreCheckoutQuery, *, uows: UnitOfWorkFactory, clock: Clock, platform_currency: str
) -> ChargeCheck:
    """Ask the domain whether Telegram may charge, and tell Telegram, within its deadline."""
    amount = our_money(query.currency, query.total_amount)
    try:
        async with asyncio.timeout(CHECK_BUDGET_SECONDS):
            check = (
                await check_before_charge(
                    uows=uows,
                    clock=clock,
                    provider=PAYMENT_PROVIDER,
                    checkout_id=query.invoice_payload,
                    amount=amount,
                    platform_currency=platform_currency,
                )
                if amount is not None
                else ChargeCheck(ChargeRefusal.AMOUNT_CHANGED)
            )
    except Exception:  # an answer in time, even a no, beats a payment form that hangs
        log.exception("pre-checkout %s could not be checked", query.id)
        check = ChargeCheck(ChargeRefusal.UNAVAILABLE)
    reason = None
    if check.refusal is not None:
        language = check.language or query.from_user.language_code
        reason = translator(language).gettext(REFUSAL_MESSAGES[check.refusal])
    try:
        await query.answer(ok=check.ok, error_message=reason)
    except TelegramError as exc:  # too late, or refused: asking again cannot help
        log.warning("answerPreCheckoutQuery %s failed: %s", query.id, type(exc).__name__)
    return check


async def settle_successful_payment(
    message: Message, *, uows: UnitOfWorkFactory, clock: Clock, platform_currency: str
) -> Reply | None:
    """Settle the money Telegram took, once; what to tell the client (None: nothing new)."""
    paid = message.successful_payment
    assert paid is not None  # the handler's filter
    amount = our_money(paid.currency, paid.total_amount)
    if amount is None:
        log.error("Telegram charge %s is in a unit we never asked", paid.telegram_payment_charge_id)
        return None
    try:
        settled = await settle_payment(
            uow=uows(),
            clock=clock,
            received=ReceivedPayment(
                provider=PAYMENT_PROVIDER,
                amount=amount,
                checkout_id=paid.invoice_payload,
                provider_payment_id=paid.telegram_payment_charge_id,
                processor_charge_id=paid.provider_payment_charge_id,
                method=PaymentMethod.TELEGRAM,
            ),
            platform_currency=platform_currency,
        )
    except NotFound:  # taken for an invoice we never sent: only the operator can return it
        log.error("Telegram charge %s matches no payment", paid.telegram_payment_charge_id)
        return None
    if settled.duplicate:
        return None
    client = await client_profile(uow=uows(read_only=True), client_id=settled.payment.client_id)
    t = translator(client.language)
    if settled.refund_due:
        shown = format_money(amount.amount_minor, amount.currency, client.language)
        return Reply(t.gettext(Msg.PAID_SLOT_TAKEN, amount=shown))
    return Reply(t.gettext(Msg.PAID_AND_BOOKED))
