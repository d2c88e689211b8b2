"""Consent records, messaging preferences and the email audience's sync state, in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, time
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import BookingStatus, Channel, ConsentKind
from domain.ports.consent import (
    AudienceMemberState,
    AudiencePerson,
    ConsentEntry,
    MessagingProfile,
)
from storage.models import AudienceMember, Booking, ConsentRecord, Reader, SyncCursor
from storage.models import Client as ClientRow
from storage.repositories._common import affected_rows

# Bookings that make someone a reader's client (a lapsed hold does not).
_CLIENT_OF = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


class SqlConsentRepository:
    """`ConsentRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def append(self, entry: ConsentEntry) -> None:
        """Insert one record and flush, so a read in this transaction sees it."""
        self._session.add(
            ConsentRecord(
                client_id=entry.client_id,
                kind=entry.kind,
                channel=entry.channel,
                granted=entry.granted,
                source=entry.source,
                text_version=entry.text_version,
                recorded_at=entry.recorded_at,
            )
        )
        await self._session.flush()

    async def history(self, client_id: UUID, kind: ConsentKind) -> list[ConsentEntry]:
        """One purpose's records, oldest first (the index covers the query)."""
        return (await self.histories([client_id], kind)).get(client_id, [])

    async def histories(
        self, client_ids: Sequence[UUID], kind: ConsentKind
    ) -> dict[UUID, list[ConsentEntry]]:
        """Records of many clients, grouped per client, oldest first."""
        found: defaultdict[UUID, list[ConsentEntry]] = defaultdict(list)
        if not client_ids:
            return found
        stmt = (
            sa.select(ConsentRecord)
            .where(ConsentRecord.client_id.in_(list(client_ids)), ConsentRecord.kind == kind)
            .order_by(ConsentRecord.client_id, ConsentRecord.recorded_at)
        )
        for row in await self._session.scalars(stmt):
            found[row.client_id].append(
                ConsentEntry(
                    client_id=row.client_id,
                    kind=row.kind,
                    channel=row.channel,
                    granted=row.granted,
                    source=row.source,
                    recorded_at=row.recorded_at,
                    text_version=row.text_version,
                )
            )
        return dict(found)

    async def last_recorded_at(self, client_id: UUID) -> datetime | None:
        """The newest record's time."""
        stmt = sa.select(sa.func.max(ConsentRecord.recorded_at)).where(
            ConsentRecord.client_id == client_id
        )
        return (await self._session.execute(stmt)).scalar_one_or_none()

    async def set_marketing(
        self, client_id: UUID, granted: bool, source: str, at: datetime
    ) -> None:
        """Write the current flag with its source and time."""
        await self._session.execute(
            sa.update(ClientRow)
            .where(ClientRow.id == client_id)
            .values(
                marketing_consent=granted,
                marketing_consent_source=source,
                marketing_consent_at=at,
            )
        )

    async def profile(self, client_id: UUID) -> MessagingProfile | None:
        """The client's messaging settings."""
        stmt = sa.select(ClientRow).where(ClientRow.id == client_id)
        row = (
            await self._session.scalars(stmt.execution_options(populate_existing=True))
        ).one_or_none()
        if row is None:
            return None
        return MessagingProfile(
            client_id=row.id,
            timezone=row.timezone,
            marketing_consent=row.marketing_consent,
            marketing_consent_at=row.marketing_consent_at,
            erased=row.erased_at is not None,
            preferred_channel=row.preferred_channel,
            quiet_hours_start=row.quiet_hours_start,
            quiet_hours_end=row.quiet_hours_end,
            preferences=dict(row.preferences or {}),
        )

    async def set_quiet_hours(self, client_id: UUID, start: time | None, end: time | None) -> None:
        """Write both ends of the window at once."""
        await self._session.execute(
            sa.update(ClientRow)
            .where(ClientRow.id == client_id)
            .values(quiet_hours_start=start, quiet_hours_end=end)
        )

    async def set_preferred_channel(self, client_id: UUID, channel: Channel | None) -> None:
        """Write the preferred channel."""
        await self._session.execute(
            sa.update(ClientRow).where(ClientRow.id == client_id).values(preferred_channel=channel)
        )

    async def client_by_email(self, email: str) -> UUID | None:
        """Emails are stored lower-cased (see the clients repository)."""
        stmt = sa.select(ClientRow.id).where(ClientRow.email == email.strip().lower())
        return (await self._session.execute(stmt)).scalar_one_or_none()

    async def update_profile(self, client_id: UUID, name: str | None, language: str | None) -> None:
        """Write only what was given."""
        values: dict[str, str] = {}
        if name:
            values["name"] = name
        if language:
            values["language"] = language
        if values:
            await self._session.execute(
                sa.update(ClientRow).where(ClientRow.id == client_id).values(**values)
            )

    async def audience_people(self, after: UUID | None, limit: int) -> list[AudiencePerson]:
        """One page of clients, then their readers' slugs in one more query."""
        stmt = (
            sa.select(ClientRow)
            .where(ClientRow.email.is_not(None), ClientRow.erased_at.is_(None))
            .order_by(ClientRow.id)
            .limit(limit)
        )
        if after is not None:
            stmt = stmt.where(ClientRow.id > after)
        rows = list(await self._session.scalars(stmt))
        slugs: defaultdict[UUID, list[str]] = defaultdict(list)
        if rows:
            pairs = await self._session.execute(
                sa.select(Booking.client_id, Reader.slug)
                .join(Reader, Reader.id == Booking.reader_id)
                .where(
                    Booking.client_id.in_([row.id for row in rows]),
                    Booking.status.in_(_CLIENT_OF),
                )
                .distinct()
            )
            for client_id, slug in pairs:
                slugs[client_id].append(slug)
        return [
            AudiencePerson(
                client_id=row.id,
                email=row.email or "",
                name=row.name,
                language=row.language,
                country=row.country,
                reader_slugs=tuple(sorted(slugs[row.id])),
                marketing_consent=row.marketing_consent,
                marketing_consent_at=row.marketing_consent_at,
            )
            for row in rows
        ]

    async def audience_members(
        self, audience_id: str, client_ids: Sequence[UUID]
    ) -> dict[UUID, AudienceMemberState]:
        """The stored state of these clients in one audience."""
        if not client_ids:
            return {}
        stmt = sa.select(AudienceMember).where(
            AudienceMember.audience_id == audience_id,
            AudienceMember.client_id.in_(list(client_ids)),
        )
        return {
            row.client_id: AudienceMemberState(
                client_id=row.client_id,
                subscriber_hash=row.subscriber_hash,
                status=row.status,
                fingerprint=row.fingerprint,
            )
            for row in await self._session.scalars(stmt)
        }

    async def save_audience_members(
        self, audience_id: str, members: Sequence[AudienceMemberState], at: datetime
    ) -> None:
        """Update the rows there are, insert the rest."""
        known = await self.audience_members(audience_id, [m.client_id for m in members])
        for member in members:
            values = {
                "subscriber_hash": member.subscriber_hash,
                "status": member.status,
                "fingerprint": member.fingerprint,
                "synced_at": at,
            }
            if member.client_id in known:
                await self._session.execute(
                    sa.update(AudienceMember)
                    .where(
                        AudienceMember.client_id == member.client_id,
                        AudienceMember.audience_id == audience_id,
                    )
                    .values(**values)
                )
            else:
                self._session.add(
                    AudienceMember(client_id=member.client_id, audience_id=audience_id, **values)
                )
        await self._session.flush()

    async def cursor(self, name: str) -> str | None:
        """The saved position."""
        stmt = sa.select(SyncCursor.position).where(SyncCursor.name == name)
        return (await self._session.execute(stmt)).scalar_one_or_none()

    async def set_cursor(self, name: str, position: str, at: datetime) -> None:
        """Update the row, or insert it on the first run."""
        result = await self._session.execute(
            sa.update(SyncCursor)
            .where(SyncCursor.name == name)
            .values(position=position, updated_at=at)
        )
        if not affected_rows(result):
            self._session.add(SyncCursor(name=name, position=position, updated_at=at))
            await self._session.flush()
