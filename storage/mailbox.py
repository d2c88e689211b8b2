"""The built-in email provider: email is kept in `email_outbox` for the admin to read.

With no SMTP server configured (the demo, a laptop) nothing leaves the machine, and
`samia outbox` / `/outbox` show what would have been sent, codes included. Attachments
are recorded by name, type and size; their bytes are not kept (an invoice's PDF is
rendered again whenever it is asked for).
"""

from __future__ import annotations

import sqlalchemy as sa

from domain.clock import Clock, SystemClock
from domain.ports.email import HeldEmail, OutgoingEmail
from storage.models import HeldEmail as HeldEmailRow
from storage.uow import SqlUnitOfWorkFactory


class SqlMailbox:
    """`Mailer` and `Mailbox` on one table, writing through the unit of work's write gate."""

    provider = "outbox"

    def __init__(self, uows: SqlUnitOfWorkFactory, clock: Clock | None = None) -> None:
        """Write with the hub's units of work, so SQLite's one writer is shared fairly."""
        self._uows = uows
        self._clock = clock or SystemClock()

    async def send(self, email: OutgoingEmail) -> None:
        """Keep the email; it is 'sent' when the admin can read it."""
        async with self._uows() as uow:
            uow.session.add(
                HeldEmailRow(
                    to_address=email.to.strip().lower(),
                    subject=email.subject,
                    body_text=email.text,
                    kind=email.kind,
                    attachments=[
                        {
                            "filename": file.filename,
                            "content_type": file.content_type,
                            "size": len(file.data),
                        }
                        for file in email.attachments
                    ],
                    created_at=self._clock.now(),
                )
            )
            await uow.commit()

    async def recent(self, *, limit: int = 50, to: str | None = None) -> list[HeldEmail]:
        """Newest first, optionally for one address."""
        stmt = sa.select(HeldEmailRow).order_by(HeldEmailRow.created_at.desc(), HeldEmailRow.id)
        if to:
            stmt = stmt.where(HeldEmailRow.to_address == to.strip().lower())
        async with self._uows(read_only=True) as uow:
            rows = await uow.session.scalars(stmt.limit(limit))
            return [
                HeldEmail(
                    id=row.id,
                    to=row.to_address,
                    subject=row.subject,
                    text=row.body_text,
                    kind=row.kind,
                    created_at=row.created_at,
                    attachments=tuple(str(file["filename"]) for file in row.attachments or []),
                )
                for row in rows
            ]
