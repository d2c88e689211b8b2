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
class Reply:
    """One message: text, optional buttons, image or document, per-channel extras."""

    text: str
    choices: tuple[Choice, ...] = ()
    image_url: str | None = None
    document_url: str | None = None
    # Only the person who asked should see it (Slack ephemeral); others ignore it.
    private: bool = False
    # The official slot for channel-only features, keyed by channel name.
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The web chat JSON shape from CONTRACT.md."""
        return {
            "text": self.text,
            "choices": [{"label": c.label, "action": c.action} for c in self.choices],
            "image_url": self.image_url,
            "document_url": self.document_url,
        }
