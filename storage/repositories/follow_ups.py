"""`FollowUpRepository`: sequences, enrolments unique per anchor, deliveries unique per step.

A pending delivery's `sent_at` is its claim (as for campaign deliveries): a run sets it to
the instant it took the row and takes only rows whose claim is older than the lease, in one
conditional UPDATE, so two runs never take the same row and a dead run's rows come back.
A final row's `sent_at` is the send time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Channel, DeliveryStatus, EnrolmentStatus, SequenceTrigger
from domain.ports.follow_ups import (
    DueDelivery,
    NewEnrolment,
    SequenceSpec,
    StepSpec,
)
from storage.dialects import insert_for
from storage.models import (
    ChannelIdentity,
    Client,
    FollowUpDelivery,
    FollowUpEnrolment,
    FollowUpSequence,
    FollowUpStep,
    Reader,
)
from storage.repositories._common import affected_rows
from storage.repositories.follow_up_scans import FollowUpScans, utc


class SqlFollowUpRepository(FollowUpScans):
    """`FollowUpRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    def _insert(self) -> Any:
        return insert_for(self._session)

    async def seed(self, sequences: Sequence[SequenceSpec]) -> None:
        """Fixed ids: ON CONFLICT (id) DO NOTHING, as NULL readers never collide on the key."""
        if await self._seeded(sequences):
            return  # the usual case: one query, not an INSERT per sequence and step per booking
        insert = self._insert()
        for spec in sequences:
            await self._session.execute(
                insert(FollowUpSequence)
                .values(
                    id=spec.id,
                    reader_id=spec.reader_id,
                    key=spec.key,
                    trigger=spec.trigger,
                    active=spec.active,
                    created_at=datetime.now(UTC),
                )
                .on_conflict_do_nothing(index_elements=["id"])
            )
            for step in spec.steps:
                await self._session.execute(
                    insert(FollowUpStep)
                    .values(
                        id=step.id,
                        sequence_id=spec.id,
                        position=step.position,
                        delay_minutes=step.delay_minutes,
                        template=step.template,
                        button=step.button,
                        marketing=step.marketing,
                    )
                    .on_conflict_do_nothing(index_elements=["id"])
                )

    async def _seeded(self, sequences: Sequence[SequenceSpec]) -> bool:
        step_ids = [step.id for spec in sequences for step in spec.steps]
        present = await self._session.execute(
            sa.select(
                sa.select(sa.func.count())
                .where(FollowUpSequence.id.in_([spec.id for spec in sequences]))
                .scalar_subquery(),
                sa.select(sa.func.count()).where(FollowUpStep.id.in_(step_ids)).scalar_subquery(),
            )
        )
        found_sequences, found_steps = present.one()
        return bool(found_sequences == len(sequences) and found_steps == len(step_ids))

    async def sequences(self, reader_id: UUID | None) -> list[SequenceSpec]:
        """One owner's rows, steps by position."""
        owner = (
            FollowUpSequence.reader_id.is_(None)
            if reader_id is None
            else FollowUpSequence.reader_id == reader_id
        )
        rows = (await self._session.scalars(sa.select(FollowUpSequence).where(owner))).all()
        if not rows:
            return []
        steps = (
            await self._session.scalars(
                sa.select(FollowUpStep)
                .where(FollowUpStep.sequence_id.in_([r.id for r in rows]))
                .order_by(FollowUpStep.position)
            )
        ).all()
        return [
            SequenceSpec(
                row.id,
                row.reader_id,
                row.key,
                row.trigger,
                row.active,
                tuple(
                    StepSpec(s.id, s.position, s.delay_minutes, s.template, s.button, s.marketing)
                    for s in steps
                    if s.sequence_id == row.id
                ),
            )
            for row in sorted(rows, key=lambda r: r.key)
        ]

    async def set_active(
        self, *, reader_id: UUID, key: str, trigger: SequenceTrigger, active: bool
    ) -> None:
        """Upsert the reader's own row on (reader_id, key)."""
        statement = (
            self._insert()(FollowUpSequence)
            .values(
                id=uuid.uuid4(),
                reader_id=reader_id,
                key=key,
                trigger=trigger,
                active=active,
                created_at=datetime.now(UTC),
            )
            .on_conflict_do_update(index_elements=["reader_id", "key"], set_={"active": active})
        )
        await self._session.execute(statement)

    async def enrol(self, enrolment: NewEnrolment, steps: Sequence[StepSpec]) -> bool:
        """Both inserts ON CONFLICT DO NOTHING; deliveries are written only for a new one."""
        insert = self._insert()
        new_id = uuid.uuid4()
        added = await self._session.execute(
            insert(FollowUpEnrolment)
            .values(
                id=new_id,
                sequence_id=enrolment.sequence_id,
                client_id=enrolment.client_id,
                reader_id=enrolment.reader_id,
                anchor_ref=enrolment.anchor_ref,
                anchor_at=enrolment.anchor_at,
                status=EnrolmentStatus.ACTIVE,
                created_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=["sequence_id", "client_id", "anchor_ref"])
            .returning(FollowUpEnrolment.id)
        )
        if added.first() is None:
            return False
        if not steps:
            return True
        await self._session.execute(
            insert(FollowUpDelivery)
            .values(
                [
                    {
                        "id": uuid.uuid4(),
                        "enrolment_id": new_id,
                        "step_id": step.id,
                        "client_id": enrolment.client_id,
                        "status": DeliveryStatus.PENDING,
                        "due_at": enrolment.anchor_at + timedelta(minutes=step.delay_minutes),
                        "attempts": 0,
                    }
                    for step in steps
                ]
            )
            .on_conflict_do_nothing(index_elements=["enrolment_id", "step_id"])
        )
        return True

    async def leave(
        self, *, client_id: UUID, trigger: SequenceTrigger, reason: str, now: datetime
    ) -> int:
        """Two UPDATEs on the client's active enrolments of sequences with this trigger."""
        of_trigger = sa.select(FollowUpSequence.id).where(FollowUpSequence.trigger == trigger)
        active = sa.select(FollowUpEnrolment.id).where(
            FollowUpEnrolment.client_id == client_id,
            FollowUpEnrolment.status == EnrolmentStatus.ACTIVE,
            FollowUpEnrolment.sequence_id.in_(of_trigger),
        )
        ids = list((await self._session.scalars(active)).all())
        if not ids:
            return 0
        await self._session.execute(
            sa.update(FollowUpDelivery)
            .where(
                FollowUpDelivery.enrolment_id.in_(ids),
                FollowUpDelivery.status == DeliveryStatus.PENDING,
            )
            .values(status=DeliveryStatus.SKIPPED, error=reason, sent_at=now)
        )
        result = await self._session.execute(
            sa.update(FollowUpEnrolment)
            .where(FollowUpEnrolment.id.in_(ids))
            .values(status=EnrolmentStatus.LEFT, left_reason=reason)
        )
        return affected_rows(result)

    def _claimable(self, now: datetime, lease: timedelta) -> sa.ColumnElement[bool]:
        return sa.and_(
            FollowUpDelivery.status == DeliveryStatus.PENDING,
            FollowUpDelivery.due_at <= now,
            sa.or_(FollowUpDelivery.sent_at.is_(None), FollowUpDelivery.sent_at <= now - lease),
        )

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueDelivery]:
        """Candidates by the (status, due_at) index, then one UPDATE that re-checks them."""
        candidates = (
            sa.select(FollowUpDelivery.id)
            .where(self._claimable(now, lease))
            .order_by(FollowUpDelivery.due_at)
            .limit(limit)
        )
        ids = list((await self._session.scalars(candidates)).all())
        if not ids:
            return []
        taken = await self._session.execute(
            sa.update(FollowUpDelivery)
            .where(FollowUpDelivery.id.in_(ids), self._claimable(now, lease))
            .values(sent_at=now, attempts=FollowUpDelivery.attempts + 1)
            .returning(FollowUpDelivery.id)
        )
        mine = [row[0] for row in taken]
        return await self._details(mine) if mine else []

    async def _details(self, ids: list[UUID]) -> list[DueDelivery]:
        d, e, s, q, c, r = (
            FollowUpDelivery,
            FollowUpEnrolment,
            FollowUpStep,
            FollowUpSequence,
            Client,
            Reader,
        )
        rows = (
            await self._session.execute(
                sa.select(d, e, s, q.key, c, r.name)
                .join(e, e.id == d.enrolment_id)
                .join(s, s.id == d.step_id)
                .join(q, q.id == e.sequence_id)
                .join(c, c.id == d.client_id)
                .join(r, r.id == e.reader_id)
                .where(d.id.in_(ids))
                .order_by(d.due_at)
            )
        ).all()
        chats = await self._chats([row[4].id for row in rows])
        return [
            DueDelivery(
                id=dl.id,
                enrolment_id=en.id,
                client_id=cl.id,
                reader_id=en.reader_id,
                sequence_key=key,
                anchor_ref=en.anchor_ref,
                enrolment_active=en.status is EnrolmentStatus.ACTIVE,
                template=st.template,
                button=st.button,
                marketing=st.marketing,
                due_at=utc(dl.due_at),
                attempts=dl.attempts,
                channel=dl.channel,
                error=dl.error,
                client_name=cl.name,
                client_email=cl.email if cl.erased_at is None else None,
                client_timezone=cl.timezone,
                client_language=cl.language,
                client_chat=cl.preferred_channel
                if cl.preferred_channel not in (None, Channel.EMAIL)
                else chats.get(cl.id),
                quiet_start=cl.quiet_hours_start,
                quiet_end=cl.quiet_hours_end,
                reader_name=reader_name,
            )
            for dl, en, st, key, cl, reader_name in rows
        ]

    async def _chats(self, client_ids: list[UUID]) -> dict[UUID, Channel]:
        """Each client's most recently active chat channel."""
        rows = await self._session.execute(
            sa.select(ChannelIdentity.client_id, ChannelIdentity.channel)
            .where(ChannelIdentity.client_id.in_(client_ids))
            .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last())
        )
        found: dict[UUID, Channel] = {}
        for client_id, channel in rows:
            if client_id is not None and channel is not Channel.EMAIL:
                found.setdefault(client_id, channel)
        return found

    async def mark_sending(self, delivery_id: UUID, channel: Channel, marker: str) -> None:
        """The marker stays on the pending row until the send's outcome replaces it."""
        await self._session.execute(
            sa.update(FollowUpDelivery)
            .where(FollowUpDelivery.id == delivery_id)
            .values(channel=channel, error=marker)
        )

    async def finish(
        self,
        delivery_id: UUID,
        status: DeliveryStatus,
        *,
        now: datetime,
        channel: Channel | None = None,
        error: str | None = None,
    ) -> None:
        """Final status; the enrolment is done once none of its deliveries is pending."""
        values: dict[str, Any] = {"status": status, "sent_at": now, "error": error}
        if channel is not None:
            values["channel"] = channel
        await self._session.execute(
            sa.update(FollowUpDelivery).where(FollowUpDelivery.id == delivery_id).values(values)
        )
        enrolment = sa.select(FollowUpDelivery.enrolment_id).where(
            FollowUpDelivery.id == delivery_id
        )
        pending = sa.exists().where(
            FollowUpDelivery.enrolment_id == FollowUpEnrolment.id,
            FollowUpDelivery.status == DeliveryStatus.PENDING,
        )
        await self._session.execute(
            sa.update(FollowUpEnrolment)
            .where(
                FollowUpEnrolment.id.in_(enrolment.scalar_subquery()),
                FollowUpEnrolment.status == EnrolmentStatus.ACTIVE,
                ~pending,
            )
            .values(status=EnrolmentStatus.DONE)
        )

    async def release(
        self, delivery_id: UUID, *, due_at: datetime | None = None, error: str | None = None
    ) -> None:
        """Clear the claim (and move the due time when given)."""
        values: dict[str, Any] = {"sent_at": None, "error": error}
        if due_at is not None:
            values["due_at"] = due_at
        await self._session.execute(
            sa.update(FollowUpDelivery).where(FollowUpDelivery.id == delivery_id).values(values)
        )
