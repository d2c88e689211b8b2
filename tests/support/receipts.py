"""Receipts for tests: real JPEG / PNG / PDF bytes, and a chat platform's files in memory."""

from __future__ import annotations

import asyncio
import io
from collections import deque
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw

from domain.errors import ConnectorError, PermanentConnectorError
from domain.ports.files import FetchedFile

# A one-page PDF as a scanner writes it (enough for the magic bytes and a viewer).
RECEIPT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 300]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@cache
def receipt_image(
    kind: str = "JPEG", lines: tuple[str, ...] = ("CARD SHOP", "Tarot deck 12.50")
) -> bytes:
    """A small photo of a shop receipt, encoded as `kind` (JPEG, PNG, WEBP)."""
    image = Image.new("RGB", (240, 320), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((20, 20 + 30 * row), line, fill="black")
    draw.line((20, 280, 220, 280), fill="black", width=2)
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


@dataclass
class MemoryChannelFiles:
    """`ChannelFiles` over a dict of handles; failures are scripted per call, oldest first."""

    files: dict[str, FetchedFile] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    barrier: asyncio.Barrier | None = None  # fetches wait for each other (workers racing)
    _failures: deque[ConnectorError] = field(default_factory=deque)

    def add(self, ref: str, content: bytes, content_type: str | None = None) -> str:
        self.files[ref] = FetchedFile(content, content_type)
        return ref

    def fail_next(self, times: int, error: ConnectorError) -> None:
        self._failures.extend([error] * times)

    async def fetch(self, ref: str) -> FetchedFile:
        self.fetched.append(ref)
        if self.barrier is not None:
            await self.barrier.wait()
        if self._failures:
            raise self._failures.popleft()
        if ref not in self.files:
            raise PermanentConnectorError("file not found", provider="memory", status=404)
        return self.files[ref]
