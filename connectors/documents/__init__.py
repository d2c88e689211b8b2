"""Documents rendered for people (invoice and credit note PDFs), behind `domain.ports.documents`."""

from connectors.documents.invoice_pdf import PdfInvoiceRenderer
from connectors.documents.statement_pdf import PdfStatementRenderer

__all__ = ("PdfInvoiceRenderer", "PdfStatementRenderer")
