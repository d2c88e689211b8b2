"""Chat accounts and the one-time codes that link them to readers and admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock, SystemClock
from domain.enums import Channel, Role
from domain.errors import NotFound
from domain.models import Identity
from storage.models import Admin as AdminRow
from storage.models import ChannelIdentity as IdentityRow
from storage.models import LinkCode as LinkCodeRow
from storage.repositories._common import affected_rows


def _to_domain(row: IdentityRow) -> Identity:
    """Copy a row into the domain record."""
    return Identity(
        id=row.id,
        channel=row.channel,
        workspace=row.workspace,
        external_user_id=row.external_user_id,
        role=row.role,
        client_id=row.client_id,
        reader_id=row.reader_id,
        admin_id=row.admin_id,
        display_name=row.display_name,
        locale=row.locale,
        chat_id=row.chat_id,
        last_inbound_at=row.last_inbound_at,
    )


def _to_row(identity: Identity, clock: Clock) -> IdentityRow:
    """A new row stamped by the clock (the domain record has no creation time)."""
    return IdentityRow(
        id=identity.id,
        channel=identity.channel,
        workspace=identity.workspace,
        external_user_id=identity.external_user_id,
        role=identity.role,
        client_id=identity.client_id,
        reader_id=identity.reader_id,
        admin_id=identity.admin_id,
        display_name=identity.display_name,
        locale=identity.locale,
        chat_id=identity.chat_id,
        last_inbound_at=identity.last_inbound_at,
        created_at=clock.now(),
    )


class SqlIdentityRepository:
    """`IdentityRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session; the clock stamps created_at."""
        self._session = session
        self._clock = clock or SystemClock()

    async def get(self, identity_id: UUID) -> Identity | None:
        """One chat account by our id."""
        stmt = (
            sa.select(IdentityRow)
            .where(IdentityRow.id == identity_id)
            .execution_options(populate_existing=True)
        )
        row = (await self._session.scalars(stmt)).one_or_none()
        return None if row is None else _to_domain(row)

    async def find(
        self, channel: Channel, workspace: str, external_user_id: str
    ) -> Identity | None:
        """The identity of one chat account (the unique key of the table)."""
        stmt = (
            sa.select(IdentityRow)
            .where(
                IdentityRow.channel == channel,
                IdentityRow.workspace == workspace,
                IdentityRow.external_user_id == external_user_id,
            )
            .execution_options(populate_existing=True)
        )
        row = (await self._session.scalars(stmt)).one_or_none()
        return None if row is None else _to_domain(row)

    async def add(self, identity: Identity) -> None:
        """Insert and flush, so a following `find` in this unit of work sees it."""
        self._session.add(_to_row(identity, self._clock))
        await self._session.flush()

    async def save(self, identity: Identity) -> None:
        """Update owner, display name, locale, chat id and last inbound time.

        Raises:
            NotFound: No identity has this id.
        """
        stmt = (
            sa.update(IdentityRow)
            .where(IdentityRow.id == identity.id)
            .values(
                role=identity.role,
                client_id=identity.client_id,
                reader_id=identity.reader_id,
                admin_id=identity.admin_id,
                display_name=identity.display_name,
                locale=identity.locale,
                chat_id=identity.chat_id,
                last_inbound_at=identity.last_inbound_at,
            )
        )
        result = await self._session.execute(stmt)
        if affected_rows(result) == 0:
            raise NotFound(f"identity {identity.id} not found", identity_id=str(identity.id))

    async def for_client(self, client_id: UUID) -> list[Identity]:
        """A client's chat accounts, most recently active first."""
        return await self._owned_by(IdentityRow.client_id == client_id)

    async def for_reader(self, reader_id: UUID) -> list[Identity]:
        """A reader's chat accounts, most recently active first."""
        return await self._owned_by(IdentityRow.reader_id == reader_id)

    async def admin_id(self, email: str, name: str) -> UUID:
        """Find by the unique email, else insert (the caller's transaction commits)."""
        found = await self._session.scalar(sa.select(AdminRow.id).where(AdminRow.email == email))
        if found is not None:
            return found
        admin = AdminRow(id=uuid.uuid4(), name=name, email=email, created_at=self._clock.now())
        self._session.add(admin)
        await self._session.flush()
        return admin.id

    async def add_link_code(
        self,
        *,
        code_hash: str,
        reader_id: UUID | None,
        admin_id: UUID | None,
        expires_at: datetime,
        now: datetime,
    ) -> None:
        """Store a code's hash for exactly one reader or admin (the table checks that)."""
        self._session.add(
            LinkCodeRow(
                code_hash=code_hash,
                role=Role.READER if reader_id is not None else Role.ADMIN,
                reader_id=reader_id,
                admin_id=admin_id,
                expires_at=expires_at,
                created_at=now,
            )
        )
        await self._session.flush()

    async def consume_link_code(
        self, code_hash: str, now: datetime
    ) -> tuple[UUID | None, UUID | None] | None:
        """Mark the code used in the same statement that checks it, so it works only once."""
        stmt = (
            sa.update(LinkCodeRow)
            .where(
                LinkCodeRow.code_hash == code_hash,
                LinkCodeRow.used_at.is_(None),
                LinkCodeRow.expires_at > now,
            )
            .values(used_at=now)
            .returning(LinkCodeRow.reader_id, LinkCodeRow.admin_id)
            .execution_options(synchronize_session=False)
        )
        row = (await self._session.execute(stmt)).first()
        return None if row is None else (row.reader_id, row.admin_id)

    async def _owned_by(self, owner: sa.ColumnElement[bool]) -> list[Identity]:
        """Identities matching an owner clause, most recently active first, never-active last."""
        stmt = (
            sa.select(IdentityRow)
            .where(owner)
            .order_by(
                IdentityRow.last_inbound_at.desc().nulls_last(),
                IdentityRow.created_at.desc(),
                IdentityRow.id,
            )
            .execution_options(populate_existing=True)
        )
        return [_to_domain(row) for row in await self._session.scalars(stmt)]
