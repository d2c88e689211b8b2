"""Contact details a person shares from their chat app (Telegram's "share my number")."""

from __future__ import annotations

import re
from uuid import UUID

from domain.ports.storage import UnitOfWorkFactory

# E.164 allows 15 digits; apps send "+33 6 00..." or "33600...": keep digits and one '+'.
_PHONE = re.compile(r"^\+?\d{6,15}$")


def normalize_phone(raw: str) -> str | None:
    """Digits with a leading '+', or None when it is not a phone number."""
    compact = re.sub(r"[\s().-]", "", raw or "")
    if not _PHONE.match(compact):
        return None
    return compact if compact.startswith("+") else f"+{compact}"


async def save_client_phone(*, uows: UnitOfWorkFactory, client_id: UUID, phone: str) -> bool:
    """Store a number a client shared from their chat app; False if it is not a number."""
    number = normalize_phone(phone)
    if number is None:
        return False
    async with uows() as work:
        client = await work.clients.get(client_id)
        if client is None:
            return False
        client.phone = number
        await work.clients.save(client)
        await work.commit()
    return True
