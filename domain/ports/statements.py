"""Payout statements as documents: what one shows, and who renders it to PDF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.billing.statements import Payout


@dataclass(frozen=True, slots=True)
class StatementDocument:
    """Everything a payout statement PDF shows, resolved: no lookups while rendering."""

    payout: Payout
    reader_name: str
    language: str  # the reader's: "en" or "ar" (right to left)
    timezone: str  # the reader's, for the payment date
    reader_email: str | None = None
    brand_primary_color: str | None = None
    brand_accent_color: str | None = None
    logo_png: bytes | None = None


class StatementRenderer(Protocol):
    """Render payout statements; CPU-bound, so callers run it off the event loop."""

    def render_statement(self, document: StatementDocument) -> bytes:
        """The statement as a PDF in the reader's language.

        Args:
            document: The payout and whom it paid.

        Returns:
            The PDF file's bytes (fonts embedded, text extractable).
        """
        ...
