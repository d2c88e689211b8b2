"""`samia outbox`: read the emails the built-in provider holds (codes, later invoices)."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.table import Table

from domain.ports.email import HeldEmail
from hub.settings import Settings
from storage.mailbox import SqlMailbox
from storage.uow import Database


def show(settings: Settings, *, to: str | None, limit: int, full: bool) -> None:
    """Print the held emails as a table, or whole with `full`."""
    held = asyncio.run(_recent(settings, to=to, limit=limit))
    console = Console()
    if not held:
        where = f" to {to}" if to else ""
        console.print(f"no emails held{where}")
        if settings.smtp is not None:
            console.print("SAMIA_SMTP_URL is set: email is sent, not held")
        return
    if full:
        for email in held:
            console.rule(f"{email.created_at:%Y-%m-%d %H:%M} UTC  {email.kind}", style="dim")
            attached = f"\nAttached: {', '.join(email.attachments)}" if email.attachments else ""
            console.print(
                f"To: {email.to}\nSubject: {email.subject}{attached}\n\n{email.text}\n",
                markup=False,
            )
        return
    table = Table("when (UTC)", "to", "kind", "subject")
    for email in held:
        table.add_row(f"{email.created_at:%Y-%m-%d %H:%M:%S}", email.to, email.kind, email.subject)
    console.print(table)


async def _recent(settings: Settings, *, to: str | None, limit: int) -> list[HeldEmail]:
    """Open the database just for this read."""
    database = Database.from_url(settings.database_url)
    try:
        return await SqlMailbox(database.uows).recent(limit=limit, to=to)
    finally:
        await database.dispose()
