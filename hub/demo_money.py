"""The demo's money: six months of payments, invoices, refunds, a dispute and expenses.

`hub/demo.py` writes the booking history as it ended (completed, cancelled, no-show).
Everything here is done by the services a live hub runs, with a clock set to the moment
each thing happened, so the invoices, FX snapshots and ledger are what they would be
(the steps are in `hub.demo_money_steps`):
- A completed reading is paid as it ends: on the test-mode pay page (the built-in
  provider's checkout, settled by `settle_payment` as `POST /pay/{token}` settles it), or
  in cash or by transfer, recorded by the reader (`record_offline_payment`). A cancelled
  pay-later reading was never paid.
- A no-show is billed the reader's late-cancellation fee (`invoice_client`), left unpaid.
- Samia and Rose also sell one reading priced in their clients' currency (EUR, JPY) and
  paid in advance, booked on Sundays (the history leaves them free) through `hold_slot`,
  `request_payment`, the pay page's settlement and `mark_attendance`. Two are cancelled
  by the client (early: all back; late: the fee kept; through `refund_cancelled` and the
  refund effect) and one is disputed by the client's bank (`record_dispute`).
- Each reader logs the month's expenses (`add_expense`, "12.50 GBP cards").
- Readers in GB and AE charge VAT (20 % and 5 %, inside their prices); the US reader none.
Notices about the past are not sent (a silent notifier), and the history's outbox rows
(confirmations, completions, invoice emails) are closed as demo history, so a starting
hub does not replay six months of messages.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import uuid4

from connectors.payments.builtin import BuiltinPayments
from domain.billing.checkout import PaymentPages
from domain.billing.payouts import run_payouts
from domain.billing.tax import TaxRateRow
from domain.clock import FixedClock
from domain.enums import PricingModel, ServiceKind
from domain.models import Reader, Service
from hub.demo_money_steps import (
    MoneyDemo,
    TimedStep,
    close_history,
    expense_steps,
    history_steps,
    sunday_steps,
)
from hub.secrets import secret_key_material
from hub.settings import Settings
from storage.uow import Database

TAX_RATES = (
    TaxRateRow("GB", "VAT", 2000, date(2011, 1, 4)),  # UK standard rate since 4 January 2011
    TaxRateRow("AE", "VAT", 500, date(2018, 1, 1)),  # UAE VAT since 1 January 2018
)
CLOSE_EVERY = 250  # steps between closing the history's outbox rows (keeps each claim small)


@dataclass(frozen=True)
class ForeignReading:
    """A reading priced in the clients' currency, paid when booked; some take a turn."""

    reader: str
    slug: str
    name: str
    kind: ServiceKind
    minutes: int
    price_minor: int
    currency: str
    # The nth Sunday's reading (early ones, so a short demo has them too): cancelled by the
    # client "early" (all back) or "late" (the fee kept), or paid and then a "dispute".
    turns: dict[int, str]


FOREIGN = (
    ForeignReading(
        "samia",
        "video-euro",
        "Video deep dive (paid in euros)",
        ServiceKind.VIDEO,
        60,
        7500,
        "EUR",
        {1: "early", 2: "dispute"},
    ),
    ForeignReading(
        "rose",
        "chat-yen",
        "Quick chat reading (paid in yen)",
        ServiceKind.CHAT,
        15,
        3000,  # yen have no minor unit: 3000 is ¥3,000
        "JPY",
        {1: "late"},
    ),
)


def seed_demo_money(settings: Settings, *, now: datetime, months: int, seed: int) -> str:
    """Give the seeded history its money, through the billing services; says how much."""
    return asyncio.run(_seed(settings, now, months, random.Random(seed)))


async def _seed(settings: Settings, now: datetime, months: int, rng: random.Random) -> str:
    start = now - timedelta(days=30 * months)
    clock = FixedClock(start)
    database = Database.from_url(settings.database_url, clock=clock)
    public = settings.public_url.rstrip("/")
    demo = MoneyDemo(
        database,
        clock,
        BuiltinPayments(public_url=public, secret=secret_key_material(settings)),
        PaymentPages(f"{public}/chat", f"{public}/chat"),
        settings.default_currency,
    )
    try:
        readers, foreign = await _catalogue(demo)
        steps: list[TimedStep] = []
        for reader in readers:
            steps += await history_steps(demo, reader, start, now, rng)
            steps += expense_steps(demo, reader, start, now)
        for (reader, service), reading in zip(foreign, FOREIGN, strict=True):
            steps += await sunday_steps(demo, reader, service, reading.turns, (start, now), rng)
        for n, step in enumerate(sorted(steps, key=lambda s: (s.at, s.order))):
            clock.set(step.at)
            await step.run()
            if n % CLOSE_EVERY == CLOSE_EVERY - 1:
                await close_history(demo)
        clock.set(now)
        await close_history(demo)
        payouts = await _weekly_payouts(demo, readers, start, now)
    finally:
        await database.dispose()
    c = demo.counts
    return (
        f"{c['paid']} payments ({c['offline']} recorded by readers, the rest on the pay page),"
        f" {c['billed']} unpaid no-show invoices, {c['refunds']} refunds,"
        f" {c['disputes']} dispute, {c['expenses']} expenses, {payouts} payouts"
    )


async def _catalogue(demo: MoneyDemo) -> tuple[list[Reader], list[tuple[Reader, Service]]]:
    """The readers, their VAT rates, and the readings they price in another currency."""
    async with demo.database.uows() as u:
        readers = await u.readers.list_active()
        for rate in TAX_RATES:
            await u.tax_rates.add(rate)
        foreign = []
        for reading in FOREIGN:
            reader = next(r for r in readers if r.slug == reading.reader)
            service = Service(
                id=uuid4(),
                reader_id=reader.id,
                slug=reading.slug,
                name=reading.name,
                kind=reading.kind,
                duration_minutes=reading.minutes,
                pricing_model=PricingModel.FIXED,
                price_minor=reading.price_minor,
                currency=reading.currency,
                prepayment_required=True,  # paid by card when booked: the hold waits for it
            )
            await u.services.add(service)
            foreign.append((reader, service))
        await u.commit()
    return readers, foreign


async def _weekly_payouts(
    demo: MoneyDemo, readers: list[Reader], start: datetime, now: datetime
) -> int:
    """The Monday payouts over the history, each run on its own Monday (its real dates)."""
    del readers  # every reader with unpaid legs is paid, as the weekly flow does
    monday = (start + timedelta(days=(7 - start.weekday()) % 7)).replace(hour=12, minute=0)
    paid = 0
    while monday <= now:
        demo.clock.set(monday)
        run = await run_payouts(uows=demo.database.uows, clock=demo.clock)
        paid += len(run.payouts)
        monday += timedelta(weeks=1)
    demo.clock.set(now)
    return paid
