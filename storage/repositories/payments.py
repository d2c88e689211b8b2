"""`PaymentRepository`: payments with their FX snapshot, found by ours or the provider's id."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing.fx import Conversion
from domain.billing.money import Money
from domain.billing.payments import Payment
from storage.models import Payment as PaymentRow


def _to_domain(row: PaymentRow) -> Payment:
    """Copy a row into the domain record, the FX snapshot as two conversions."""
    reader_value = platform_value = None
    if row.settlement_amount_minor is not None and row.settlement_currency and row.fx_rate:
        reader_value = Conversion(
            Money(row.settlement_amount_minor, row.settlement_currency),
            row.fx_rate,
            row.fx_rate_as_of or row.created_at.date(),
        )
    if row.platform_amount_minor is not None and row.platform_currency and row.platform_fx_rate:
        platform_value = Conversion(
            Money(row.platform_amount_minor, row.platform_currency),
            row.platform_fx_rate,
            row.fx_rate_as_of or row.created_at.date(),
        )
    if row.reader_id is None or row.client_id is None:
        raise ValueError(f"payment {row.id} has no reader or client (written before 0007)")
    return Payment(
        id=row.id,
        reader_id=row.reader_id,
        client_id=row.client_id,
        amount=Money(row.amount_minor, row.currency),
        provider=row.provider,
        method=row.method,
        status=row.status,
        created_at=row.created_at,
        booking_id=row.booking_id,
        invoice_id=row.invoice_id,
        checkout_id=row.checkout_id,
        checkout_url=row.checkout_url,
        provider_payment_id=row.provider_payment_id,
        processor_charge_id=row.processor_charge_id,
        expires_at=row.expires_at,
        received_at=row.received_at,
        tax_minor=row.tax_minor,
        platform_fee_minor=row.platform_fee_minor,
        provider_fee_minor=row.provider_fee_minor,
        refunded_minor=row.refunded_minor,
        disputed_minor=row.disputed_minor,
        reader_value=reader_value,
        platform_value=platform_value,
    )


def _columns(payment: Payment) -> dict[str, Any]:
    """Every column a payment writes (the snapshot's day is the reader conversion's)."""
    reader, platform = payment.reader_value, payment.platform_value
    return {
        "reader_id": payment.reader_id,
        "client_id": payment.client_id,
        "booking_id": payment.booking_id,
        "invoice_id": payment.invoice_id,
        "amount_minor": payment.amount.amount_minor,
        "currency": payment.amount.currency,
        "provider": payment.provider,
        "method": payment.method,
        "status": payment.status,
        "checkout_id": payment.checkout_id,
        "checkout_url": payment.checkout_url,
        "provider_payment_id": payment.provider_payment_id,
        "processor_charge_id": payment.processor_charge_id,
        "expires_at": payment.expires_at,
        "received_at": payment.received_at,
        "tax_minor": payment.tax_minor,
        "platform_fee_minor": payment.platform_fee_minor,
        "provider_fee_minor": payment.provider_fee_minor,
        "refunded_minor": payment.refunded_minor,
        "disputed_minor": payment.disputed_minor,
        "settlement_amount_minor": reader.money.amount_minor if reader else None,
        "settlement_currency": reader.money.currency if reader else None,
        "fx_rate": reader.rate if reader else None,
        "fx_rate_as_of": reader.as_of if reader else None,
        "platform_amount_minor": platform.money.amount_minor if platform else None,
        "platform_currency": platform.money.currency if platform else None,
        "platform_fx_rate": platform.rate if platform else None,
    }


class SqlPaymentRepository:
    """`PaymentRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def add(self, payment: Payment) -> None:
        """Insert now, so a duplicate provider id fails here rather than at commit."""
        self._session.add(
            PaymentRow(id=payment.id, created_at=payment.created_at, **_columns(payment))
        )
        await self._session.flush()

    async def save(self, payment: Payment) -> None:
        """One UPDATE of every column (payments are small and rarely written)."""
        await self._session.execute(
            sa.update(PaymentRow).where(PaymentRow.id == payment.id).values(**_columns(payment))
        )

    async def get(self, payment_id: UUID, *, for_update: bool = False) -> Payment | None:
        """By our id."""
        return await self._one(sa.select(PaymentRow).where(PaymentRow.id == payment_id), for_update)

    async def find(
        self,
        provider: str,
        *,
        checkout_id: str | None = None,
        provider_payment_id: str | None = None,
        for_update: bool = False,
    ) -> Payment | None:
        """By the provider's checkout id, else by its id for the money."""
        if checkout_id is None and provider_payment_id is None:
            return None
        match = (
            PaymentRow.checkout_id == checkout_id
            if checkout_id is not None
            else PaymentRow.provider_payment_id == provider_payment_id
        )
        statement = sa.select(PaymentRow).where(PaymentRow.provider == provider, match)
        return await self._one(statement, for_update)

    async def for_booking(self, booking_id: UUID) -> list[Payment]:
        """Oldest first."""
        rows = await self._session.scalars(
            sa.select(PaymentRow)
            .where(PaymentRow.booking_id == booking_id)
            .order_by(PaymentRow.created_at, PaymentRow.id)
        )
        return [_to_domain(row) for row in rows]

    async def _one(self, statement: sa.Select[PaymentRow], for_update: bool) -> Payment | None:
        if for_update:
            statement = statement.with_for_update()
        # populate_existing: a row read earlier in this session is re-read, not served stale
        row = (
            await self._session.scalars(statement.execution_options(populate_existing=True))
        ).first()
        return None if row is None else _to_domain(row)
