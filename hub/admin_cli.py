"""`samia admin login-link [--reader SLUG]` and `samia admin invite EMAIL`.

`login-link` prints a one-time dashboard link: the platform's by default; `--reader`
gives that reader's own (for support, or to hand a reader their link by another channel).
It works once, within 10 minutes. `invite` adds an admin (by email) and prints the code
their chat account sends as `/link CODE` to ask for the platform's figures in chat.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

from hub.cli_support import err_console, fail, migrated_settings
from hub.settings import Settings

admin_app = typer.Typer(
    help="Operators: dashboard sign-in, admin chat invites.", no_args_is_help=True
)
console = Console()
# An operator at the shell is an admin by holding the hub's database: no admin row is named.
_NO_ADMIN_ROW = UUID(int=0)


@admin_app.command("login-link")
def login_link(
    reader: Annotated[
        str | None,
        typer.Option("--reader", help="That reader's dashboard instead of the platform's."),
    ] = None,
) -> None:
    """Print a one-time link to the dashboard (works once, within 10 minutes)."""
    settings = migrated_settings()
    url = asyncio.run(_link(settings, reader))
    console.print(url, highlight=False, markup=False, soft_wrap=True)
    err_console.print("works once, within 10 minutes", highlight=False, markup=False)


async def _link(settings: Settings, reader_ref: str | None) -> str:
    from domain.billing.ledger_views import find_reader
    from domain.clock import SystemClock
    from domain.enums import Role
    from domain.errors import NotFound
    from hub.dashboard.links import dashboard_link
    from storage.uow import Database

    database = Database.from_url(settings.database_url)
    clock = SystemClock()
    try:
        link = dashboard_link(database.uows, clock, settings.public_url)
        if reader_ref is None:
            return await link(Role.ADMIN, _NO_ADMIN_ROW)
        async with database.uows(read_only=True) as uow:
            try:
                reader = await find_reader(uow, reader_ref)
            except NotFound as error:
                fail(str(error))
        return await link(Role.READER, reader.id)
    finally:
        await database.dispose()


@admin_app.command("invite")
def invite(
    email: Annotated[str, typer.Argument(help="The admin's email (added when new).")],
    name: Annotated[str, typer.Option("--name", help="Their name, for a new admin.")] = "",
) -> None:
    """Print a one-time code an admin sends as `/link CODE` in Slack or any chat."""
    settings = migrated_settings()
    code = asyncio.run(_invite(settings, email, name))
    console.print(f"link code for {email} (valid 24 hours): {code}", highlight=False)
    console.print(f"the admin sends:  /link {code}", highlight=False)
    err_console.print("then: platform, funnel, churn, errors, live", highlight=False)


async def _invite(settings: Settings, email: str, name: str) -> str:
    from domain.clock import SystemClock
    from domain.errors import InvalidRequest
    from domain.identity import invite_admin
    from storage.uow import Database

    database = Database.from_url(settings.database_url)
    try:
        return await invite_admin(uows=database.uows, clock=SystemClock(), email=email, name=name)
    except InvalidRequest as error:
        fail(str(error))
    finally:
        await database.dispose()
