"""A Reply as Send API messages: button template or quick replies, and attachments.

Messenger: up to 3 choices become a button template (postback buttons, which stay
tappable), 4 to 13 become quick replies, more become several button templates.
Instagram has no button template in this API: quick replies only (13 at most).
"""

from __future__ import annotations

from typing import Any

from bots.engine import Choice, Reply
from bots.outbound import chunk_text

MAX_TEXT = 2000
MAX_TEMPLATE_TEXT = 640
MAX_TITLE = 20
MAX_QUICK_REPLIES = 13
MAX_BUTTONS = 3


def title(label: str) -> str:
    """Meta cuts button and quick-reply titles at 20 characters; cut them ourselves, neatly."""
    return label if len(label) <= MAX_TITLE else label[: MAX_TITLE - 1].rstrip() + "…"


def quick_replies(choices: list[Choice]) -> list[dict[str, Any]]:
    """Quick reply chips; the payload is our action."""
    return [
        {"content_type": "text", "title": title(c.label), "payload": c.action}
        for c in choices[:MAX_QUICK_REPLIES]
    ]


def button_template(text: str, choices: list[Choice]) -> dict[str, Any]:
    """A button template with postback buttons."""
    buttons = [{"type": "postback", "title": title(c.label), "payload": c.action} for c in choices]
    return {
        "attachment": {
            "type": "template",
            "payload": {"template_type": "button", "text": text, "buttons": buttons},
        }
    }


def attachment(kind: str, url: str) -> dict[str, Any]:
    """An image or file by URL."""
    return {"attachment": {"type": kind, "payload": {"url": url, "is_reusable": True}}}


def render(reply: Reply, *, instagram: bool) -> list[dict[str, Any]]:
    """The messages that show this reply, in order."""
    messages: list[dict[str, Any]] = []
    # Meta fetches images itself, by a public URL only: a hub file goes as its signed link.
    image = reply.image_url or (reply.image_file.url if reply.image_file else None)
    if image:
        messages.append(attachment("image", image))
    if reply.document_url and not instagram:
        messages.append(attachment("file", reply.document_url))
    text = reply.text.strip() or "…"
    if reply.document_url and instagram:
        text = f"{text}\n{reply.document_url}"  # Instagram takes no file attachments
    choices = list(reply.choices)
    chunks = list(chunk_text(text, MAX_TEXT))
    messages.extend({"text": chunk} for chunk in chunks[:-1])
    last = chunks[-1]
    if not choices:
        messages.append({"text": last})
    elif instagram or (MAX_BUTTONS < len(choices) <= MAX_QUICK_REPLIES):
        messages.append({"text": last, "quick_replies": quick_replies(choices)})
    else:
        for start in range(0, len(choices), MAX_BUTTONS):
            shown = last if start == 0 else "…"
            if len(shown) > MAX_TEMPLATE_TEXT:
                messages.append({"text": shown})
                shown = "…"
            messages.append(button_template(shown, choices[start : start + MAX_BUTTONS]))
    return messages
