"""A Reply as Telegram messages: text with an inline keyboard, photos, documents, invoices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice
from telegram.constants import InvoiceLimit

from bots.engine import Choice, HubFile, Reply
from bots.outbound import chunk_text
from bots.telegram.payments import telegram_amount
from domain.billing.money import Money

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BUTTON_TEXT = 64  # Telegram has no documented cap; long labels are cut on screen anyway


@dataclass(frozen=True, slots=True)
class Part:
    """One Bot API call: sendMessage, sendPhoto, sendDocument or sendInvoice, with its arguments."""

    method: Literal["message", "photo", "document", "invoice"]
    kwargs: dict[str, Any] = field(default_factory=dict)
    # A file the hub holds: the sender uploads its bytes instead of handing Telegram a URL.
    upload: HubFile | None = None


def keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard; short labels (times, days) share a row."""
    if not choices:
        return None
    longest = max(len(c.label) for c in choices)
    per_row = 3 if longest <= 8 else 2 if longest <= 18 else 1
    buttons = [
        InlineKeyboardButton(c.label[:MAX_BUTTON_TEXT], callback_data=c.action) for c in choices
    ]
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def render(reply: Reply) -> list[Part]:
    """The calls that show this reply; the keyboard rides on the last one but an invoice.

    An invoice's own keyboard is its Pay button, so an invoice comes last, after the text
    and the buttons that go with it.
    """
    markup = keyboard(reply.choices)
    media: list[Part] = []
    if reply.image_url:
        media.append(Part("photo", {"photo": reply.image_url}))
    elif reply.image_file:
        media.append(Part("photo", {"photo": reply.image_file.url}, upload=reply.image_file))
    if reply.document_url:
        media.append(Part("document", {"document": reply.document_url}))
    parts: list[Part] = []
    text = reply.text.strip()
    if media and len(text) <= MAX_CAPTION:
        if text:
            media[0].kwargs["caption"] = text
    elif text:
        parts.extend(Part("message", {"text": chunk}) for chunk in chunk_text(text, MAX_TEXT))
    parts.extend(media)
    if not parts:
        parts.append(Part("message", {"text": "…"}))
    if markup is not None:
        parts[-1].kwargs["reply_markup"] = markup
    invoice = reply.extras.get("telegram", {}).get("invoice")
    if invoice is not None:
        parts.append(invoice_part(invoice))
    return parts


def invoice_part(invoice: Mapping[str, Any]) -> Part:
    """`sendInvoice` for the invoice a booking step described (the sender adds the token)."""
    amount = Money(int(invoice["amount_minor"]), str(invoice["currency"]))
    label = str(invoice["label"])[: InvoiceLimit.MAX_TITLE_LENGTH]
    return Part(
        "invoice",
        {
            "title": str(invoice["title"])[: InvoiceLimit.MAX_TITLE_LENGTH],
            "description": str(invoice["description"])[: InvoiceLimit.MAX_DESCRIPTION_LENGTH],
            "payload": str(invoice["payload"]),
            "currency": amount.currency,
            "prices": [LabeledPrice(label, telegram_amount(amount))],
        },
    )
