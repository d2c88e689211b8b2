"""One codec for button payloads: Slack action values, Telegram callback_data, postbacks."""

from __future__ import annotations

from dataclasses import dataclass

# Telegram's callback_data is the tightest limit of all channels: 1-64 bytes.
MAX_ACTION_BYTES = 64
SEPARATOR = ":"


class InvalidAction(ValueError):
    """A payload that is not ours, or was tampered with, or is too long."""


@dataclass(frozen=True, slots=True)
class Action:
    """`<conversation>:<verb>:<arg>`: which conversation, what to do, on what."""

    conversation: str
    verb: str
    arg: str = ""

    def encode(self) -> str:
        """The payload string a button carries."""
        for part in (self.conversation, self.verb):
            if not part or SEPARATOR in part:
                raise InvalidAction(f"bad action part {part!r}")
        payload = f"{self.conversation}{SEPARATOR}{self.verb}{SEPARATOR}{self.arg}"
        if len(payload.encode()) > MAX_ACTION_BYTES:
            raise InvalidAction(f"action payload over {MAX_ACTION_BYTES} bytes: {payload!r}")
        return payload

    @classmethod
    def decode(cls, payload: str) -> Action:
        """Parse a payload from any channel; refuses anything that is not ours."""
        if not payload or len(payload.encode()) > MAX_ACTION_BYTES:
            raise InvalidAction("empty or oversized action payload")
        parts = payload.split(SEPARATOR, 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise InvalidAction(f"not an action payload: {payload!r}")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else "")

    def __str__(self) -> str:
        """Payloads print as their encoded form."""
        return self.encode()
