"""`samia chat`: the terminal as a channel adapter, on the same contract as the platforms.

A typed line or a button number becomes an event for the shared runner; the replies come
back through the delivery to `ConsoleSender`, which prints them with numbered buttons,
exactly as Telegram's sender posts an inline keyboard.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from rich.console import Console
from rich.markup import escape

from bots.channel import TurnRunner
from bots.engine import InboundEvent, Reply
from bots.outbound import SendContext, SentMessage
from domain.enums import Channel

PROVIDER = "console"


class ConsoleSender:
    """Prints replies; remembers the buttons shown last so a number taps one."""

    channels = frozenset({Channel.CONSOLE})

    def __init__(self, console: Console) -> None:
        """Print on `console`."""
        self._console = console
        self.choices: list[str] = []

    async def send(self, *, chat_id: str, reply: Reply, context: SendContext) -> SentMessage:
        """One reply with its buttons numbered from 1 (the numbers restart per turn)."""
        if reply.choices:
            self.choices = []
        self._console.print(f"[magenta]samia>[/] {escape(reply.text)}", highlight=False)
        for option in reply.choices:
            self.choices.append(option.action)
            self._console.print(
                f"   \\[{len(self.choices)}] {escape(option.label)}", highlight=False
            )
        return SentMessage(message_id=uuid.uuid4().hex)

    async def close(self) -> None:
        """Nothing to release."""


class ConsoleAdapter:
    """The terminal's events through the shared runner; no HTTP routes."""

    provider = PROVIDER

    def __init__(self, console: Console) -> None:
        """Print on `console`."""
        self.sender = ConsoleSender(console)
        self._runner: TurnRunner | None = None

    def router(self) -> APIRouter | None:
        """The terminal is not HTTP."""
        return None

    def bind(self, runner: TurnRunner) -> None:
        """Turns go through `runner`."""
        self._runner = runner

    async def start(self) -> None:
        """Nothing to open."""

    async def stop(self) -> None:
        """Nothing to close."""

    def payload(self, user: str, line: str) -> dict[str, Any]:
        """A typed line, or the action behind a button number shown last."""
        typed = line.strip()
        if typed.isdigit() and 0 < int(typed) <= len(self.sender.choices):
            return {"user": user, "action": self.sender.choices[int(typed) - 1]}
        return {"user": user, "text": line}

    async def process(self, payload: dict[str, Any]) -> None:
        """One line (or tap) of the person at the terminal."""
        if self._runner is None:
            raise RuntimeError("bind the console adapter to a runner first")
        user = str(payload["user"])
        common: dict[str, Any] = {
            "channel": Channel.CONSOLE,
            "chat_id": user,
            "user_ref": user,
            "event_id": str(payload.get("event_id") or uuid.uuid4()),
        }
        if payload.get("action"):
            event = InboundEvent.from_action(payload=str(payload["action"]), **common)
        else:
            event = InboundEvent.from_text(text=str(payload.get("text") or ""), **common)
        context = SendContext(Channel.CONSOLE, user_ref=user)
        await self._runner.run(event, provider=PROVIDER, context=context)

    def order_key(self, payload: dict[str, Any]) -> str:
        """One terminal user's lines in order."""
        return str(payload.get("user") or "")
