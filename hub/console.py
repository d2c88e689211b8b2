"""`samia chat`: the conversation engine in a terminal, as a client or a reader."""

from __future__ import annotations

import asyncio

from rich.console import Console

from bots.channel import TurnRunner
from bots.console import ConsoleAdapter
from bots.outbound import Delivery, SenderRegistry
from domain.identity import bind_console_identity
from hub.runtime import build_runtime
from hub.settings import Settings


def parse_persona(value: str) -> tuple[str | None, str | None]:
    """`client:<email>` or `reader:<slug>` -> (email, slug); anything else is bad usage."""
    kind, _, who = value.partition(":")
    if kind == "client" and "@" in who:
        return who, None
    if kind == "reader" and who:
        return None, who
    raise ValueError("use --as client:<email> or --as reader:<slug>")


async def run_console(settings: Settings, persona: str, console: Console) -> None:
    """Read lines and hand them to the console adapter; numbers tap the buttons shown."""
    email, slug = parse_persona(persona)
    runtime = await build_runtime(settings)
    adapter = ConsoleAdapter(console)
    registry = SenderRegistry([adapter.sender])
    uows, clock = runtime.database.uows, runtime.clock
    delivery = Delivery(uows=uows, clock=clock, senders=registry)
    adapter.bind(TurnRunner(engine=runtime.engine, delivery=delivery, uows=uows, clock=clock))
    try:
        identity = await bind_console_identity(
            uow=uows(), clock=clock, client_email=email, reader_slug=slug
        )
        user = identity.external_user_id
        console.print(f"[bold]Talking as {persona}[/]. Type a message, a button number, or 'quit'.")
        await adapter.start()
        await adapter.process({"user": user, "text": "/start"})
        while True:
            line = await asyncio.to_thread(_read, console)
            if line is None or line.strip().lower() in {"quit", "exit"}:
                return
            await adapter.process(adapter.payload(user, line))
    finally:
        await adapter.stop()
        await runtime.close()


def _read(console: Console) -> str | None:
    try:
        return console.input("[bold cyan]you>[/] ")
    except EOFError:
        return None
