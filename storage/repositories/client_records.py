"""A reader's records of their clients: matching "@name", history rows, sealed notes."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports.client_records import (
    BookingRecord,
    ClientActivity,
    ClientMatch,
    PaymentRecord,
    RatingRecord,
    SealedNote,
)
from storage.models import Booking, Client, ClientNote, Payment, Rating, ReadingSession, Service


class SqlClientRecordRepository:
    """`ClientRecordRepository` on one session; every query is scoped to the reader."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the unit of work's session."""
        self._session = session

    async def find(self, *, reader_id: uuid.UUID, ref: str) -> list[ClientMatch]:
        """Email exactly, else the whole name or its first word, case-insensitive."""
        wanted = " ".join(ref.split()).lower()
        if not wanted:
            return []
        mine = Client.id.in_(sa.select(Booking.client_id).where(Booking.reader_id == reader_id))
        name = sa.func.lower(Client.name)
        match = (
            sa.func.lower(Client.email) == wanted
            if "@" in wanted
            else sa.or_(name == wanted, name.like(f"{_escape(wanted)} %", escape="\\"))
        )
        stmt = (
            sa.select(Client.id, Client.name, Client.email)
            .where(mine, match, Client.erased_at.is_(None))
            .order_by(Client.name, Client.email)
            .limit(10)
        )
        return [ClientMatch(*row) for row in (await self._session.execute(stmt)).all()]

    async def activity(self, *, reader_id: uuid.UUID, client_id: uuid.UUID) -> ClientActivity:
        """Four short queries, each on the (reader, client) pair."""
        bookings = await self._session.execute(
            sa.select(
                Booking.id,
                Booking.starts_at,
                Booking.status,
                Service.name,
                ReadingSession.duration_seconds,
            )
            .join(Service, Service.id == Booking.service_id)
            .outerjoin(ReadingSession, ReadingSession.booking_id == Booking.id)
            .where(Booking.reader_id == reader_id, Booking.client_id == client_id)
            .order_by(Booking.starts_at.desc())
            .limit(50)
        )
        ratings = await self._session.execute(
            sa.select(Rating.stars, Rating.feedback, Rating.created_at)
            .where(Rating.reader_id == reader_id, Rating.client_id == client_id)
            .order_by(Rating.created_at.desc())
        )
        payments = await self._session.execute(
            sa.select(
                Payment.amount_minor,
                Payment.currency,
                Payment.status,
                sa.func.coalesce(Payment.received_at, Payment.created_at),
            )
            .where(Payment.reader_id == reader_id, Payment.client_id == client_id)
            .order_by(Payment.created_at.desc())
            .limit(50)
        )
        notes = await self._session.execute(
            sa.select(ClientNote.id, ClientNote.body_encrypted, ClientNote.created_at)
            .where(ClientNote.reader_id == reader_id, ClientNote.client_id == client_id)
            .order_by(ClientNote.created_at.desc())
        )
        return ClientActivity(
            [BookingRecord(*row) for row in bookings.all()],
            [RatingRecord(*row) for row in ratings.all()],
            [PaymentRecord(a, c, str(s), at) for a, c, s, at in payments.all()],
            [SealedNote(*row) for row in notes.all()],
        )

    async def add_note(
        self, *, reader_id: uuid.UUID, client_id: uuid.UUID, body_encrypted: str, now: datetime
    ) -> SealedNote:
        """Insert one note."""
        note = ClientNote(
            id=uuid.uuid4(),
            reader_id=reader_id,
            client_id=client_id,
            body_encrypted=body_encrypted,
            created_at=now,
        )
        self._session.add(note)
        await self._session.flush()
        return SealedNote(note.id, body_encrypted, now)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
