"""The process's one PDF renderer, built on first use and drawing one document at a time.

Building it cuts the fonts (~0.7 s the first time in a process), so a hub or flow run
that never renders a document never pays for it. Renders run in worker threads and the
renderer shares parsed fonts and measured widths between documents, so a lock keeps them
one at a time: they are CPU-bound under the GIL anyway.
"""

from __future__ import annotations

import threading

from connectors.documents import PdfInvoiceRenderer
from domain.ports.documents import InvoiceDocument

__all__ = ("SharedRenderer", "document_renderer")


class SharedRenderer:
    """Implements `DocumentRenderer` over one lazily built `PdfInvoiceRenderer`."""

    def __init__(self) -> None:
        """Nothing is built until the first document."""
        self._lock = threading.Lock()
        self._inner: PdfInvoiceRenderer | None = None

    def render_invoice(self, document: InvoiceDocument) -> bytes:
        """The invoice's PDF (the first call also builds the renderer)."""
        with self._lock:
            if self._inner is None:
                self._inner = PdfInvoiceRenderer()
            return self._inner.render_invoice(document)


_shared = SharedRenderer()


def document_renderer() -> SharedRenderer:
    """The renderer every part of this process uses (web routes, flows, the CLI)."""
    return _shared
