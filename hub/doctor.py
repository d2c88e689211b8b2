"""`samia doctor`'s live check: call each configured chat platform once, briefly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import SecretStr
from rich.console import Console

from bots.outbound import redact
from hub.settings import Settings

PING_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Ping:
    """Whether a platform answered, and what it said (or why not)."""

    provider: str
    answered: bool
    detail: str


async def ping_platforms(settings: Settings, limit_seconds: float = PING_SECONDS) -> list[Ping]:
    """getMe, auth.test and the Page, concurrently, each within `limit_seconds`."""
    from bots.meta import graph
    from bots.slack import sender as slack
    from bots.telegram import setup as telegram

    checks: list[tuple[str, Callable[[], Awaitable[str]]]] = []
    if settings.telegram is not None:
        tg = settings.telegram
        checks.append(("telegram", lambda: telegram.check(tg, limit_seconds)))
    if settings.slack is not None:
        sl = settings.slack
        checks.append(("slack", lambda: slack.check(sl, limit_seconds)))
    if settings.meta is not None:
        mt = settings.meta
        checks.append(("meta", lambda: graph.check(mt, limit_seconds)))

    async def one(name: str, call: Callable[[], Awaitable[str]]) -> Ping:
        try:
            async with asyncio.timeout(limit_seconds + 1):
                return Ping(name, True, await call())
        except TimeoutError:
            return Ping(name, False, f"no answer within {limit_seconds:.0f}s")
        except Exception as exc:  # any failure is a finding, not a crash
            return Ping(name, False, str(exc) or type(exc).__name__)

    return list(await asyncio.gather(*(one(name, call) for name, call in checks)))


def scrub(settings: Settings, text: str) -> str:
    """The text without any secret the settings hold (vendors sometimes echo tokens)."""
    secrets = [v.get_secret_value() for v in vars(settings).values() if isinstance(v, SecretStr)]
    return redact(text, secrets)


def print_pings(settings: Settings, console: Console) -> list[str]:
    """Call each configured chat platform and print its answer; the silent ones."""
    pings = asyncio.run(ping_platforms(settings))
    for ping in pings:
        state = "[green]answers[/]" if ping.answered else "[red]no answer[/]"
        console.print(f"{ping.provider}: {state}  {scrub(settings, ping.detail)}", highlight=False)
    return [p.provider for p in pings if not p.answered]
