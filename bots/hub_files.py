"""The bytes behind a Reply's `HubFile`, for the senders that upload them (Telegram, Slack).

A chart is stored once in the hub's `FileStore` when it is drawn; the sender reads it
back at send time, so the reply itself stays small data that never carries the PNG.
"""

from __future__ import annotations

from typing import Protocol

from bots.engine import HubFile
from domain.errors import PermanentConnectorError
from domain.ports.storage import UnitOfWorkFactory


class HubFileReader(Protocol):
    """Reads a hub file's bytes."""

    async def read(self, file: HubFile) -> bytes:
        """The stored bytes of a file a reply refers to.

        Args:
            file: The reply's file (its key in the hub's file store).

        Returns:
            The file's bytes.

        Raises:
            PermanentConnectorError: The store has no file with that key.
        """
        ...


class StoredHubFiles:
    """`HubFileReader` over the hub's file store (`uow.files`)."""

    def __init__(self, uows: UnitOfWorkFactory, *, provider: str) -> None:
        """Read from this storage; errors name the platform that was sending."""
        self._uows = uows
        self._provider = provider

    async def read(self, file: HubFile) -> bytes:
        """The bytes, in a read-only unit of work of their own."""
        async with self._uows(read_only=True) as uow:
            found = await uow.files.get(file.key)
        if found is None:
            raise PermanentConnectorError(
                f"the hub has no file {file.key[:12]}… to send", provider=self._provider
            )
        return found.content
