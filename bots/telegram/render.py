"""A Reply as Telegram messages: text with an inline keyboard, photos, documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bots.engine import Choice, Reply
from bots.outbound import chunk_text

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BUTTON_TEXT = 64  # Telegram has no documented cap; long labels are cut on screen anyway


@dataclass(frozen=True, slots=True)
class Part:
    """One Bot API call: sendMessage, sendPhoto or sendDocument, with its arguments."""

    method: Literal["message", "photo", "document"]
    kwargs: dict[str, Any] = field(default_factory=dict)


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
    """The calls that show this reply; the keyboard rides on the last one."""
    markup = keyboard(reply.choices)
    media: list[Part] = []
    if reply.image_url:
        media.append(Part("photo", {"photo": reply.image_url}))
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
    return parts
