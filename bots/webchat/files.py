"""The web chat's files: uploads are kept in the hub's file store at once, so fetching one
for an expense's receipt is reading it back by its key (the web chat's `ChannelFiles`)."""

from __future__ import annotations

from domain.errors import PermanentConnectorError
from domain.ports.files import FetchedFile
from domain.ports.storage import UnitOfWorkFactory

PROVIDER = "webchat"


class StoredUploads:
    """`ChannelFiles` for the web chat: the upload's key is its handle."""

    def __init__(self, uows: UnitOfWorkFactory) -> None:
        """Read uploads from this storage."""
        self._uows = uows

    async def fetch(self, ref: str) -> FetchedFile:
        """The uploaded bytes (they were typed and checked when they arrived)."""
        async with self._uows(read_only=True) as u:
            found = await u.files.get(ref)
        if found is None:
            raise PermanentConnectorError("no web chat upload with that key", provider=PROVIDER)
        return FetchedFile(found.content, found.content_type, found.filename)
