"""Drive the engine like a person: `say` text, `tap` buttons by label, read the replies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, time

from bots.conversations.deps import ChatDeps
from bots.conversations.engine import build_engine
from bots.engine import Engine, InboundEvent, InboundFile, MemoryConversationStore, Reply
from domain.clock import FixedClock
from domain.enums import Channel
from domain.models import Reader, Service, WeeklyHours
from storage.mailbox import SqlMailbox
from storage.uow import Database


@dataclass
class Chat:
    """One person in one chat; keeps every reply so tests can read the transcript."""

    engine: Engine[ChatDeps]
    channel: Channel = Channel.WEBCHAT
    user: str = "session-0001"
    locale: str | None = None
    timezone: str | None = "Europe/London"
    display_name: str | None = None
    transcript: list[Reply] = field(default_factory=list)
    _last_batch: list[Reply] = field(default_factory=list)

    async def say(self, text: str) -> list[Reply]:
        """Type a message."""
        event = InboundEvent.from_text(
            channel=self.channel, chat_id=self.user, user_ref=self.user, text=text, **self._extra()
        )
        return await self._send(event)

    async def attach(self, *files: InboundFile, caption: str | None = None) -> list[Reply]:
        """Send files (a receipt photo), with a caption or without one."""
        event = InboundEvent.from_files(
            channel=self.channel,
            chat_id=self.user,
            user_ref=self.user,
            files=files,
            text=caption,
            **self._extra(),
        )
        return await self._send(event)

    async def tap(self, label: str) -> list[Reply]:
        """Tap the button whose label contains `label` in the latest replies."""
        for reply in reversed(self._last_batch):
            for option in reply.choices:
                if label.casefold() in option.label.casefold():
                    return await self.press(option.action)
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    async def press(self, action: str) -> list[Reply]:
        """Send a raw action payload (an old or forged button)."""
        event = InboundEvent.from_action(
            channel=self.channel,
            chat_id=self.user,
            user_ref=self.user,
            payload=action,
            **self._extra(),
        )
        return await self._send(event)

    def last(self) -> Reply:
        """The most recent reply."""
        return self.transcript[-1]

    def text(self) -> str:
        """All text of the latest batch of replies."""
        return "\n".join(r.text for r in self._last_batch)

    def buttons(self) -> list[str]:
        """Labels of the buttons in the latest batch."""
        return [c.label for r in self._last_batch for c in r.choices]

    async def _send(self, event: InboundEvent) -> list[Reply]:
        replies = await self.engine.handle(event)
        self._last_batch = replies
        self.transcript.extend(replies)
        return replies

    def _extra(self) -> dict[str, object]:
        return {"locale": self.locale, "timezone": self.timezone, "display_name": self.display_name}


@dataclass
class ChatWorld:
    """A database with readers, a fixed clock and an engine to talk to."""

    database: Database
    clock: FixedClock
    engine: Engine[ChatDeps]
    deps: ChatDeps
    readers: list[Reader]
    services: list[Service]

    def chat(self, **kwargs: object) -> Chat:
        """A new person talking to the hub."""
        return Chat(self.engine, **kwargs)  # type: ignore[arg-type]


@asynccontextmanager
async def chat_world(
    database_url: str, now: datetime, readers: list[tuple[Reader, list[Service]]]
) -> AsyncIterator[ChatWorld]:
    """Seed readers (open 10:00-18:00 Monday-Saturday) and build the engine."""
    clock = FixedClock(now)
    database = Database.from_url(database_url, clock=clock)
    async with database.uows() as uow:
        for reader, services in readers:
            await uow.readers.add(reader)
            for svc in services:
                await uow.services.add(svc)
            for weekday in range(6):
                await uow.availability.replace_weekday(
                    reader.id, weekday, [WeeklyHours(weekday, time(10), time(18))]
                )
        await uow.commit()
    deps = ChatDeps(
        uows=database.uows,
        clock=clock,
        reader_names=[r.name for r, _ in readers],
        mailer=SqlMailbox(database.uows, clock),
    )
    engine = build_engine(deps=deps, store=MemoryConversationStore())
    try:
        yield ChatWorld(
            database,
            clock,
            engine,
            deps,
            [r for r, _ in readers],
            [s for _, ss in readers for s in ss],
        )
    finally:
        await database.dispose()
