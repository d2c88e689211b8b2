"""`InvoiceRepository`: invoices with their taxed lines, and the gapless yearly counter."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing.invoices import Invoice, InvoiceLine, TaxRule
from domain.enums import InvoiceKind, InvoiceStatus
from storage.models import Invoice as InvoiceRow
from storage.models import InvoiceLine as InvoiceLineRow
from storage.models import InvoiceSequence


class SqlInvoiceRepository:
    """`InvoiceRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def next_sequence(self, reader_id: UUID, year: int) -> int:
        """One upsert: insert 1, or add one to the row (which stays locked until commit)."""
        insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        statement = (
            insert(InvoiceSequence)
            .values(reader_id=reader_id, year=year, last=1)
            .on_conflict_do_update(
                index_elements=["reader_id", "year"],
                set_={"last": InvoiceSequence.last + 1},
            )
            .returning(InvoiceSequence.last)
        )
        return int((await self._session.execute(statement)).scalar_one())

    async def add(self, invoice: Invoice) -> None:
        """The invoice row, then its lines, in this transaction."""
        self._session.add(
            InvoiceRow(
                id=invoice.id,
                number=invoice.number,
                kind=invoice.kind,
                reader_id=invoice.reader_id,
                client_id=invoice.client_id,
                booking_id=invoice.booking_id,
                credits_invoice_id=invoice.credits_invoice_id,
                status=invoice.status,
                currency=invoice.currency,
                subtotal_minor=invoice.subtotal.amount_minor,
                tax_minor=invoice.tax.amount_minor,
                total_minor=invoice.total.amount_minor,
                tax_rate_bps=invoice.rule.rate_bps,
                tax_inclusive=invoice.rule.inclusive,
                reverse_charge=invoice.rule.reverse_charge,
                issued_at=invoice.issued_at,
                created_at=invoice.issued_at,
            )
        )
        await self._session.flush()  # the lines' foreign key needs the invoice first
        self._session.add_all(
            InvoiceLineRow(
                invoice_id=invoice.id,
                position=line.position,
                description=line.description,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                amount_minor=line.net_minor,
                tax_minor=line.tax_minor,
            )
            for line in invoice.lines
        )
        await self._session.flush()

    async def get(self, invoice_id: UUID) -> Invoice | None:
        """One invoice and its lines."""
        row = await self._session.get(InvoiceRow, invoice_id)
        if row is None:
            return None
        return (await self._with_lines([row]))[0]

    async def credits_of(self, invoice_id: UUID) -> list[Invoice]:
        """Credit notes against one invoice."""
        rows = list(
            await self._session.scalars(
                sa.select(InvoiceRow)
                .where(InvoiceRow.credits_invoice_id == invoice_id)
                .order_by(InvoiceRow.issued_at)
            )
        )
        return await self._with_lines(rows)

    async def for_booking(self, booking_id: UUID) -> Invoice | None:
        """The booking's invoice (credit notes carry the booking id too: skip them)."""
        rows = list(
            await self._session.scalars(
                sa.select(InvoiceRow)
                .where(InvoiceRow.booking_id == booking_id, InvoiceRow.kind == InvoiceKind.INVOICE)
                .order_by(InvoiceRow.issued_at)
                .limit(1)
            )
        )
        found = await self._with_lines(rows)
        return found[0] if found else None

    async def by_number(self, number: str, *, reader_id: UUID | None = None) -> list[Invoice]:
        """Unique per reader; two readers' series can share a prefix."""
        query = sa.select(InvoiceRow).where(InvoiceRow.number == number)
        if reader_id is not None:
            query = query.where(InvoiceRow.reader_id == reader_id)
        rows = list(await self._session.scalars(query.order_by(InvoiceRow.issued_at)))
        return await self._with_lines(rows)

    async def mark_paid(self, invoice_id: UUID, paid_at: datetime) -> None:
        """Paid once: a second payment does not move the date."""
        await self._session.execute(
            sa.update(InvoiceRow)
            .where(InvoiceRow.id == invoice_id, InvoiceRow.status == InvoiceStatus.ISSUED)
            .values(status=InvoiceStatus.PAID, paid_at=paid_at)
        )

    async def for_client(self, client_id: UUID, limit: int = 20) -> list[Invoice]:
        """Newest first."""
        rows = list(
            await self._session.scalars(
                sa.select(InvoiceRow)
                .where(InvoiceRow.client_id == client_id)
                .order_by(InvoiceRow.issued_at.desc(), InvoiceRow.number.desc())
                .limit(limit)
            )
        )
        return await self._with_lines(rows)

    async def for_reader(self, reader_id: UUID, limit: int = 50) -> list[Invoice]:
        """Newest first, lines loaded in one more query."""
        rows = list(
            await self._session.scalars(
                sa.select(InvoiceRow)
                .where(InvoiceRow.reader_id == reader_id)
                .order_by(InvoiceRow.issued_at.desc(), InvoiceRow.number.desc())
                .limit(limit)
            )
        )
        return await self._with_lines(rows)

    async def query(
        self,
        *,
        reader_id: UUID | None = None,
        client_id: UUID | None = None,
        status: InvoiceStatus | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Invoice]:
        """Newest first; every filter given must match (reader and client are indexed)."""
        stmt = sa.select(InvoiceRow)
        if reader_id is not None:
            stmt = stmt.where(InvoiceRow.reader_id == reader_id)
        if client_id is not None:
            stmt = stmt.where(InvoiceRow.client_id == client_id)
        if status is not None:
            stmt = stmt.where(InvoiceRow.status == status)
        stmt = stmt.order_by(InvoiceRow.issued_at.desc(), InvoiceRow.number.desc())
        rows = list(await self._session.scalars(stmt.limit(limit).offset(offset)))
        return await self._with_lines(rows)

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def _with_lines(self, rows: list[InvoiceRow]) -> list[Invoice]:
        if not rows:
            return []
        lines: dict[UUID, list[InvoiceLine]] = {row.id: [] for row in rows}
        found = await self._session.scalars(
            sa.select(InvoiceLineRow)
            .where(InvoiceLineRow.invoice_id.in_(list(lines)))
            .order_by(InvoiceLineRow.position)
        )
        for line in found:
            lines[line.invoice_id].append(
                InvoiceLine(
                    line.position,
                    line.description,
                    line.quantity,
                    line.unit_price_minor,
                    line.amount_minor,
                    line.tax_minor,
                )
            )
        return [
            Invoice(
                id=row.id,
                number=row.number,
                kind=row.kind,
                reader_id=row.reader_id,
                client_id=row.client_id,
                currency=row.currency,
                lines=tuple(lines[row.id]),
                rule=TaxRule(row.tax_rate_bps, row.tax_inclusive, row.reverse_charge),
                issued_at=row.issued_at or row.created_at,
                status=row.status,
                booking_id=row.booking_id,
                credits_invoice_id=row.credits_invoice_id,
            )
            for row in rows
        ]
