"""Contact details a person shares from their chat app (Telegram's "share my number")."""

from __future__ import annotations

import re

from domain.clock import Clock
from domain.identity import Sender, resolve_sender
from domain.ports.storage import UnitOfWorkFactory

# E.164 allows 15 digits; apps send "+33 6 00..." or "33600...": keep digits and one '+'.
_PHONE = re.compile(r"^\+?\d{6,15}$")


def normalize_phone(raw: str) -> str | None:
    """Digits with a leading '+', or None when it is not a phone number."""
    compact = re.sub(r"[\s().-]", "", raw or "")
    if not _PHONE.match(compact):
        return None
    return compact if compact.startswith("+") else f"+{compact}"


async def save_shared_phone(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    sender: Sender,
    phone: str,
    default_timezone: str = "UTC",
) -> bool:
    """Store the number on the client behind this chat account; False if it is not saved.

    A first contact that starts by sharing its number becomes a client like any other.
    """
    number = normalize_phone(phone)
    if number is None:
        return False
    resolved = await resolve_sender(
        uow=uows(), clock=clock, sender=sender, default_timezone=default_timezone
    )
    if resolved.client is None:
        return False  # a reader's or admin's account: their number is not ours to keep
    async with uows() as work:
        client = await work.clients.get(resolved.client.id)
        if client is None:
            return False
        client.phone = number
        await work.clients.save(client)
        await work.commit()
    return True
