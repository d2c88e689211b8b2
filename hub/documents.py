"""The process's one PDF renderer, built on first use and drawing one document at a time.

Building it cuts the fonts (~0.7 s the first time in a process), so a hub or flow run
that never renders a document never pays for it. Renders run in worker threads and the
renderer shares parsed fonts and measured widths between documents, so a lock keeps them
one at a time: they are CPU-bound under the GIL anyway.
"""

from __future__ import annotations

import threading

from connectors.documents import PdfInvoiceRenderer, PdfStatementRenderer
from domain.ports.documents import InvoiceDocument
from domain.ports.statements import StatementDocument

__all__ = ("SharedRenderer", "document_renderer")


class SharedRenderer:
    """Implements `DocumentRenderer` and `StatementRenderer`, each built on first use."""

    def __init__(self) -> None:
        """Nothing is built until the first document."""
        self._lock = threading.Lock()
        self._invoices: PdfInvoiceRenderer | None = None
        self._statements: PdfStatementRenderer | None = None

    def render_invoice(self, document: InvoiceDocument) -> bytes:
        """The invoice's PDF (the first call also builds the renderer)."""
        with self._lock:
            if self._invoices is None:
                self._invoices = PdfInvoiceRenderer()
            return self._invoices.render_invoice(document)

    def render_statement(self, document: StatementDocument) -> bytes:
        """A payout statement's PDF (the first call also builds its renderer)."""
        with self._lock:
            if self._statements is None:
                self._statements = PdfStatementRenderer()
            return self._statements.render_statement(document)


_shared = SharedRenderer()


def document_renderer() -> SharedRenderer:
    """The renderer every part of this process uses (web routes, flows, the CLI)."""
    return _shared
