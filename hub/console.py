"""`samia chat`: the conversation engine in a terminal, as a client or a reader."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.markup import escape

from bots.engine import InboundEvent, Reply
from domain.enums import Channel
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
    """Read lines, send them to the engine, print replies; numbers tap buttons."""
    email, slug = parse_persona(persona)
    runtime = await build_runtime(settings)
    try:
        identity = await bind_console_identity(
            uow=runtime.database.uows(),
            clock=runtime.clock,
            client_email=email,
            reader_slug=slug,
        )
        user = identity.external_user_id
        console.print(f"[bold]Talking as {persona}[/]. Type a message, a button number, or 'quit'.")
        choices = _show(console, await runtime.engine.handle(_event(user, "/start")))
        while True:
            line = await asyncio.to_thread(_read, console)
            if line is None or line.strip().lower() in {"quit", "exit"}:
                return
            if line.strip().isdigit() and 0 < int(line) <= len(choices):
                event = InboundEvent.from_action(
                    channel=Channel.CONSOLE,
                    chat_id=user,
                    user_ref=user,
                    payload=choices[int(line) - 1],
                )
            else:
                event = _event(user, line)
            choices = _show(console, await runtime.engine.handle(event))
    finally:
        await runtime.close()


def _event(user: str, text: str) -> InboundEvent:
    return InboundEvent.from_text(channel=Channel.CONSOLE, chat_id=user, user_ref=user, text=text)


def _read(console: Console) -> str | None:
    try:
        return console.input("[bold cyan]you>[/] ")
    except EOFError:
        return None


def _show(console: Console, replies: list[Reply]) -> list[str]:
    """Print replies with numbered buttons; returns the actions by number."""
    actions: list[str] = []
    for reply in replies:
        console.print(f"[magenta]samia>[/] {escape(reply.text)}", highlight=False)
        for option in reply.choices:
            actions.append(option.action)
            console.print(f"   \\[{len(actions)}] {escape(option.label)}", highlight=False)
    return actions
