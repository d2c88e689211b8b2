"""Files: the hub's own store (receipts, chart pictures) and the chat platforms' files.

A person's file stays on their platform until a flow fetches it (`ChannelFiles`), so a
webhook is answered without waiting for a download; the bytes then go into the hub's
`FileStore`, keyed by their SHA-256, which every worker and web process shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.enums import Channel


@dataclass(frozen=True, slots=True)
class InboundFile:
    """A file someone sent in a chat, known by the platform's own handle until fetched.

    `ref` is what that platform fetches it by: a Telegram file_id, a Messenger or
    Instagram attachment URL, a Slack `url_private_download`, the web chat's stored key.
    """

    ref: str
    content_type: str | None = None  # as the platform declares it, if it does
    filename: str | None = None
    size: int | None = None  # bytes, when the platform says


@dataclass(frozen=True, slots=True)
class ChannelFile:
    """An inbound file together with the channel that holds it."""

    channel: Channel
    file: InboundFile


@dataclass(frozen=True, slots=True)
class FetchedFile:
    """A platform file's bytes as fetched, with the type the platform served them as."""

    content: bytes
    content_type: str | None = None
    filename: str | None = None


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file in the hub's store: its bytes, their (proved) type and a name for saving."""

    content: bytes
    content_type: str
    filename: str | None = None

    @property
    def size(self) -> int:
        """Bytes."""
        return len(self.content)


class FileStore(Protocol):
    """Content-addressed files inside the unit of work's transaction (`uow.files`)."""

    async def put(self, content: bytes, content_type: str, filename: str | None = None) -> str:
        """Keep a file once: the same bytes put twice are one stored file.

        Args:
            content: The file's bytes (at most `domain.files.MAX_FILE_BYTES`).
            content_type: A JPEG, PNG, WebP, HEIC or PDF type the bytes must prove.
            filename: A name to offer when it is downloaded (the first put's is kept).

        Returns:
            The file's key: the SHA-256 of its bytes, 64 lower-case hex digits.

        Raises:
            FileRejected: Too large, a type not kept, or bytes that are not of that type.
        """
        ...

    async def get(self, key: str) -> StoredFile | None:
        """A stored file by its key.

        Args:
            key: What `put` returned.

        Returns:
            The file, or None when no file has that key.
        """
        ...


class ChannelFiles(Protocol):
    """Fetches the files people send on one chat platform, by that platform's handle."""

    async def fetch(self, ref: str) -> FetchedFile:
        """Download one file.

        Args:
            ref: The platform's handle (`InboundFile.ref`).

        Returns:
            The bytes and the type the platform served them as.

        Raises:
            TransientConnectorError: The platform is busy or unreachable (429, 5xx,
                timeouts): worth another try.
            PermanentConnectorError: The file is gone, forbidden or unknown.
            FileRejected: The file is larger than the hub keeps (stopped mid-download).
        """
        ...
