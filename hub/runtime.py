"""Wiring: settings -> database -> domain dependencies -> conversation engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bots.conversations.deps import ChatDeps
from bots.conversations.engine import build_engine
from bots.engine import Engine
from bots.language import warm_up
from domain.booking.queries import list_readers
from domain.clock import Clock, SystemClock
from hub.settings import Settings
from storage.conversation_store import SqlConversationStore
from storage.db import WriterRole, write_gate
from storage.uow import Database


@dataclass
class Runtime:
    """Everything a running hub holds: one of each, built at start-up, closed at shutdown."""

    settings: Settings
    database: Database
    clock: Clock
    deps: ChatDeps
    engine: Engine[ChatDeps]

    async def refresh_reader_names(self) -> None:
        """Names the free-text parser recognises ('with Samia')."""
        readers = await list_readers(uow=self.database.uows(read_only=True))
        self.deps.reader_names[:] = [r.name for r in readers]

    async def close(self) -> None:
        """Release connections."""
        await self.database.dispose()


async def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Open the database and build the engine; no network calls."""
    clock = clock or SystemClock()
    database = Database.from_url(
        settings.database_url, clock=clock, writer_role=WriterRole.FOREGROUND
    )
    deps = ChatDeps(
        uows=database.uows,
        clock=clock,
        hold_for=timedelta(minutes=settings.hold_minutes),
        brand="Samia",
        default_timezone=settings.default_timezone,
        public_url=settings.public_url,
    )
    store = SqlConversationStore(database.engine, gate=write_gate(database.engine))
    runtime = Runtime(settings, database, clock, deps, build_engine(deps=deps, store=store))
    await runtime.refresh_reader_names()
    warm_up()  # load date-parsing data now, not during the first client's message
    return runtime
