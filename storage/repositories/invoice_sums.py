"""The invoice sums reports need: tax per client country and rate, and what is unpaid."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from domain.enums import InvoiceKind, InvoiceStatus
from storage.models import Client, Invoice
from storage.repositories._common import table_of

_INVOICES = table_of(Invoice)
_CLIENTS = table_of(Client)
_COUNTED = (InvoiceStatus.ISSUED, InvoiceStatus.PAID)


def _signed(column: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """A credit note takes its amounts off."""
    return sa.case((_INVOICES.c.kind == InvoiceKind.CREDIT_NOTE, -column), else_=column)


@functools.cache
def tax_statement() -> sa.Select[Any]:
    """Issued invoices and credit notes (negative) grouped by client country, rate, currency."""
    keys = (
        _CLIENTS.c.country,
        _INVOICES.c.tax_rate_bps,
        _INVOICES.c.reverse_charge,
        _INVOICES.c.currency,
    )
    return (
        sa.select(
            *keys,
            sa.func.count().label("n"),
            sa.func.sum(_signed(_INVOICES.c.subtotal_minor)).label("net"),
            sa.func.sum(_signed(_INVOICES.c.tax_minor)).label("tax"),
        )
        .select_from(_INVOICES.join(_CLIENTS, _CLIENTS.c.id == _INVOICES.c.client_id))
        .where(
            _INVOICES.c.reader_id == sa.bindparam("reader_id"),
            _INVOICES.c.issued_at >= sa.bindparam("start"),
            _INVOICES.c.issued_at < sa.bindparam("end"),
            _INVOICES.c.status.in_(_COUNTED),
        )
        .group_by(*keys)
        .order_by(*keys)
    )


def _credits() -> sa.Subquery:
    """What credit notes took off each invoice."""
    notes = _INVOICES.alias("notes")
    return (
        sa.select(
            notes.c.credits_invoice_id.label("invoice_id"),
            sa.func.sum(notes.c.total_minor).label("credited"),
        )
        .where(notes.c.kind == InvoiceKind.CREDIT_NOTE, notes.c.status.in_(_COUNTED))
        .group_by(notes.c.credits_invoice_id)
        .subquery()
    )


def _open(credits: sa.Subquery) -> list[sa.ColumnElement[bool]]:
    return [
        _INVOICES.c.reader_id == sa.bindparam("reader_id"),
        _INVOICES.c.kind == InvoiceKind.INVOICE,
        _INVOICES.c.status == InvoiceStatus.ISSUED,
        _INVOICES.c.total_minor > sa.func.coalesce(credits.c.credited, 0),
    ]


@functools.cache
def open_invoices_statement() -> sa.Select[Any]:
    """A reader's unpaid invoices with their client and credits, oldest first."""
    credits = _credits()
    return (
        sa.select(
            _INVOICES.c.number,
            sa.func.coalesce(_CLIENTS.c.name, _CLIENTS.c.email, "").label("client"),
            _INVOICES.c.currency,
            _INVOICES.c.total_minor,
            sa.func.coalesce(credits.c.credited, 0).label("credited"),
            _INVOICES.c.issued_at,
        )
        .select_from(
            _INVOICES.join(_CLIENTS, _CLIENTS.c.id == _INVOICES.c.client_id).outerjoin(
                credits, credits.c.invoice_id == _INVOICES.c.id
            )
        )
        .where(*_open(credits))
        .order_by(_INVOICES.c.issued_at, _INVOICES.c.number)
        .limit(sa.bindparam("limit"))
    )


@functools.cache
def open_totals_statement() -> sa.Select[Any]:
    """What a reader's unpaid invoices come to, per currency."""
    credits = _credits()
    return (
        sa.select(
            _INVOICES.c.currency,
            sa.func.count().label("n"),
            sa.func.sum(_INVOICES.c.total_minor - sa.func.coalesce(credits.c.credited, 0)).label(
                "due"
            ),
        )
        .select_from(_INVOICES.outerjoin(credits, credits.c.invoice_id == _INVOICES.c.id))
        .where(*_open(credits))
        .group_by(_INVOICES.c.currency)
        .order_by(_INVOICES.c.currency)
    )
