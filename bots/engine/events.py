"""What every channel adapter turns a platform update into, and nothing richer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bots.engine.actions import Action, InvalidAction
from domain.enums import Channel
from domain.identity import Sender
from domain.ports.files import InboundFile


class EventKind(StrEnum):
    """The shape of an inbound message."""

    TEXT = "text"
    COMMAND = "command"
    ACTION = "action"
    CONTACT = "contact"
    ATTACHMENT = "attachment"
    REACTION = "reaction"


@dataclass(frozen=True, slots=True)
class InboundEvent:
    """One message, command or button tap from one person in one chat."""

    channel: Channel
    chat_id: str
    user_ref: str
    kind: EventKind
    workspace: str = ""
    text: str | None = None
    command: str | None = None
    args: str = ""
    action: Action | None = None
    locale: str | None = None
    display_name: str | None = None
    phone: str | None = None
    timezone: str | None = None
    event_id: str | None = None
    # Photos and documents sent with the message (or alone), by the platform's own handles.
    files: tuple[InboundFile, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def conversation_key(self) -> str:
        """One conversation per person per chat per channel (PTB's per-chat, per-user key)."""
        return f"{self.channel}:{self.workspace}:{self.chat_id}:{self.user_ref}"

    @property
    def sender(self) -> Sender:
        """The chat account that sent this, as the domain's identity rules see it."""
        return Sender(
            channel=self.channel,
            workspace=self.workspace,
            external_user_id=self.user_ref,
            display_name=self.display_name,
            locale=self.locale,
            chat_id=self.chat_id,
        )

    @classmethod
    def from_text(
        cls, *, channel: Channel, chat_id: str, user_ref: str, text: str, **extra: Any
    ) -> InboundEvent:
        """A typed message; `/word rest` becomes a command so every channel parses alike."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            head, _, rest = stripped[1:].partition(" ")
            command = head.split("@", 1)[0].lower()  # Telegram groups send /book@SamiaBot
            return cls(
                channel=channel,
                chat_id=chat_id,
                user_ref=user_ref,
                kind=EventKind.COMMAND,
                text=stripped,
                command=command,
                args=rest.strip(),
                **extra,
            )
        return cls(
            channel=channel,
            chat_id=chat_id,
            user_ref=user_ref,
            kind=EventKind.TEXT,
            text=stripped,
            **extra,
        )

    @classmethod
    def from_files(
        cls,
        *,
        channel: Channel,
        chat_id: str,
        user_ref: str,
        files: tuple[InboundFile, ...],
        text: str | None = None,
        **extra: Any,
    ) -> InboundEvent:
        """Files sent with a caption route as that text (files attached); alone, as files."""
        common: dict[str, Any] = {"channel": channel, "chat_id": chat_id, "user_ref": user_ref}
        if text and text.strip():
            return cls.from_text(text=text, files=files, **common, **extra)
        return cls(kind=EventKind.ATTACHMENT, files=files, **common, **extra)

    @classmethod
    def from_action(
        cls, *, channel: Channel, chat_id: str, user_ref: str, payload: str, **extra: Any
    ) -> InboundEvent:
        """A button tap; a payload that is not ours becomes plain text, not a crash."""
        try:
            action = Action.decode(payload)
        except InvalidAction:
            return cls.from_text(
                channel=channel, chat_id=chat_id, user_ref=user_ref, text=payload, **extra
            )
        return cls(
            channel=channel,
            chat_id=chat_id,
            user_ref=user_ref,
            kind=EventKind.ACTION,
            action=action,
            **extra,
        )
