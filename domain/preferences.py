"""What a person chose for themselves: the language the bots answer them in."""

from __future__ import annotations

from uuid import UUID

from domain.errors import InvalidRequest, NotFound
from domain.ports.storage import UnitOfWork

# The languages the bots speak; a choice outside them is refused, not stored.
CHOOSABLE_LANGUAGES = ("en", "ar")


async def choose_language(*, uow: UnitOfWork, client_id: UUID, language: str) -> str:
    """Keep a client's explicit choice: it wins over the words of later messages and locales."""
    if language not in CHOOSABLE_LANGUAGES:
        raise InvalidRequest("unsupported language", language=language)
    async with uow:
        client = await uow.clients.get(client_id)
        if client is None:
            raise NotFound("client not found")
        client.language = language
        await uow.clients.save(client)
        await uow.commit()
    return language
