"""Documents the hub renders for people: invoices and credit notes (and later statements)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.billing.invoices import Invoice


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """Everything an invoice PDF shows, resolved: no lookups while rendering."""

    invoice: Invoice
    reader_name: str
    client_name: str | None
    client_email: str | None
    language: str  # the client's: "en" or "ar" (right to left)
    timezone: str  # the reader's, for the issue date
    reader_email: str | None = None
    brand_primary_color: str | None = None  # "#5b2a86"
    brand_accent_color: str | None = None
    logo_png: bytes | None = None
    credits_number: str | None = None  # a credit note names the invoice it credits


class DocumentRenderer(Protocol):
    """Render documents to PDF bytes; CPU-bound, so callers run it off the event loop."""

    def render_invoice(self, document: InvoiceDocument) -> bytes:
        """The invoice or credit note as a PDF in the client's language.

        Args:
            document: The invoice and who it is from and for.

        Returns:
            The PDF file's bytes (fonts embedded, text extractable).
        """
        ...
