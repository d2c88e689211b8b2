"""A Reply as a Block Kit message: sections, an image, and buttons carrying action payloads."""

from __future__ import annotations

from typing import Any

from bots.engine import Reply
from bots.outbound import chunk_text

MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_ACTIONS_PER_BLOCK = 25
MAX_FALLBACK_TEXT = 3000
ACTION_PREFIX = "samia:"  # action_id of our buttons; the payload travels in `value`


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(reply: Reply, *, uploaded: bool = False) -> dict[str, Any]:
    """`text` (notification fallback) and `blocks` for chat.postMessage / postEphemeral.

    A hub file is shown by its link unless the sender `uploaded` it as a file instead.
    """
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(chunk)}}
        for chunk in chunk_text(reply.text, MAX_SECTION_TEXT)
        if chunk.strip()
    ]
    image = reply.image_url or (reply.image_file.url if reply.image_file and not uploaded else None)
    if image:
        blocks.append({"type": "image", "image_url": image, "alt_text": "image"})
    if reply.document_url:
        link = f"<{reply.document_url}>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": choice.label[:MAX_BUTTON_TEXT], "emoji": True},
            "value": choice.action,
            "action_id": f"{ACTION_PREFIX}{index}",
        }
        for index, choice in enumerate(reply.choices)
    ]
    for start in range(0, len(buttons), MAX_ACTIONS_PER_BLOCK):
        blocks.append(
            {"type": "actions", "elements": buttons[start : start + MAX_ACTIONS_PER_BLOCK]}
        )
    fallback = reply.text[:MAX_FALLBACK_TEXT] or reply.image_url or reply.document_url or "…"
    return {"text": fallback, "blocks": blocks}
