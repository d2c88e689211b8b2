"""The built-in audience's campaign emails: all of one campaign held in one transaction.

The campaign key is kept in `external_refs` (unique per entity), written with the emails,
so a retried send finds it and holds nothing more; two concurrent sends of one key
collide on that row and the loser reads the winner's id.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from domain.clock import Clock, SystemClock
from domain.enums import EmailKind, Provider
from storage.models import ExternalRef
from storage.models import HeldEmail as HeldEmailRow
from storage.uow import SqlUnitOfWorkFactory

_KIND, _PURPOSE = "email_campaign", "campaign"
_NAMESPACE = uuid.UUID("6f1c7a52-4a43-4d0e-9a0e-6b6a7c5d2e11")


class SqlCampaignOutbox:
    """`CampaignOutbox` on the email outbox table."""

    def __init__(self, uows: SqlUnitOfWorkFactory, clock: Clock | None = None) -> None:
        """Write with the hub's units of work."""
        self._uows = uows
        self._clock = clock or SystemClock()

    async def hold_campaign(self, key: str, emails: Sequence[tuple[str, str, str]]) -> str:
        """Hold every email and the key together; the same key again returns the first id."""
        entity = uuid.uuid5(_NAMESPACE, key)
        found = await self._existing(entity)
        if found is not None:
            return found
        held_id = f"builtin-{entity.hex[:16]}"
        try:
            async with self._uows() as uow:
                now = self._clock.now()
                uow.session.add(
                    ExternalRef(
                        entity_kind=_KIND,
                        entity_id=entity,
                        provider=Provider.LOCAL,
                        purpose=_PURPOSE,
                        external_id=held_id,
                        data={"key": key, "recipients": len(emails)},
                        created_at=now,
                    )
                )
                uow.session.add_all(
                    HeldEmailRow(
                        to_address=to,
                        subject=subject,
                        body_text=text,
                        kind=EmailKind.CAMPAIGN,
                        attachments=[],
                        created_at=now,
                    )
                    for to, subject, text in emails
                )
                await uow.commit()
        except IntegrityError:
            found = await self._existing(entity)
            if found is None:
                raise
            return found
        return held_id

    async def _existing(self, entity: uuid.UUID) -> str | None:
        stmt = sa.select(ExternalRef.external_id).where(
            ExternalRef.entity_kind == _KIND,
            ExternalRef.entity_id == entity,
            ExternalRef.provider == Provider.LOCAL,
            ExternalRef.purpose == _PURPOSE,
        )
        async with self._uows(read_only=True) as uow:
            return (await uow.session.execute(stmt)).scalar_one_or_none()
