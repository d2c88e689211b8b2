"""What a step answers, rendered natively by every channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bots.engine.actions import Action


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: what it says and the action it sends back."""

    label: str
    action: str

    @classmethod
    def of(cls, label: str, action: Action) -> Choice:
        """A button for an action."""
        return cls(label=label, action=action.encode())


@dataclass(frozen=True, slots=True)
class HubFile:
    """A file the hub keeps itself (its `FileStore` key) and the signed hub link serving it.

    Telegram and Slack upload the bytes, so a chart reaches the person even when the hub
    runs on a laptop with no public URL; Messenger and Instagram only take an image by a
    public URL, so they get the link (SAMIA_PUBLIC_URL must be reachable from the internet
    for them); the web chat shows the link.
    """

    key: str  # the FileStore key: the SHA-256 of the bytes
    url: str  # absolute, signed: opens without signing in until it expires
    filename: str = "chart.png"
    content_type: str = "image/png"


@dataclass(frozen=True, slots=True)
class Reply:
    """One message: text, optional buttons, image or document, per-channel extras."""

    text: str
    choices: tuple[Choice, ...] = ()
    image_url: str | None = None
    document_url: str | None = None
    # An image the hub holds (a chart): uploaded where the platform takes bytes.
    image_file: HubFile | None = None
    # Only the person who asked should see it (Slack ephemeral); others ignore it.
    private: bool = False
    # The official slot for channel-only features, keyed by channel name.
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The web chat JSON shape from CONTRACT.md."""
        return {
            "text": self.text,
            "choices": [{"label": c.label, "action": c.action} for c in self.choices],
            "image_url": self.image_url or (self.image_file.url if self.image_file else None),
            "document_url": self.document_url,
        }
