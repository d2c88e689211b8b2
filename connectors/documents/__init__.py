"""Documents rendered for people (invoice and credit note PDFs), behind `domain.ports.documents`."""

from connectors.documents.invoice_pdf import PdfInvoiceRenderer

__all__ = ("PdfInvoiceRenderer",)
