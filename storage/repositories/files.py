"""`FileStore`: content-addressed files in `stored_files`, inside the caller's session."""

from __future__ import annotations

import hashlib

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock, SystemClock
from domain.files import ACCEPTED_TYPES, FileRejected, accepted_type, normal_type
from domain.ports.files import StoredFile
from storage.models import StoredFile as StoredFileRow

MAX_FILENAME = 255


class SqlFileStore:
    """`FileStore` on the database, so every process of a scaled-out hub sees each file."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session; the clock stamps new rows."""
        self._session = session
        self._clock = clock or SystemClock()

    async def put(self, content: bytes, content_type: str, filename: str | None = None) -> str:
        """INSERT ... ON CONFLICT DO NOTHING by the SHA-256: the same bytes make one row."""
        declared = normal_type(content_type)
        if declared not in ACCEPTED_TYPES:
            raise FileRejected(
                f"{declared or 'a file without a type'} is not kept", too_large=False
            )
        kind = accepted_type(content, declared)
        key = hashlib.sha256(content).hexdigest()
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self._session.execute(
            insert(StoredFileRow)
            .values(
                key=key,
                content_type=kind,
                filename=_safe_name(filename),
                size=len(content),
                content=content,
                created_at=self._clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        return key

    async def get(self, key: str) -> StoredFile | None:
        """One row by its key (a malformed key finds nothing)."""
        if len(key) != 64:
            return None
        row = await self._session.get(StoredFileRow, key.lower())
        if row is None:
            return None
        return StoredFile(bytes(row.content), row.content_type, row.filename)


def _safe_name(filename: str | None) -> str | None:
    """The last path part without control characters, short enough for the column."""
    if not filename:
        return None
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"')
    return name[-MAX_FILENAME:] or None
