"""`samia flows run|work`: one flow now, or all of them continuously."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from hub.cli_support import fail, loaded_settings, migrated_settings, require_schema

console = Console()

flows_app = typer.Typer(help="Run the Prefect flows behind bookings.", no_args_is_help=True)


@flows_app.command("run")
def flows_run(
    name: Annotated[
        str,
        typer.Argument(help="The flow's deployment name, e.g. process-outbox or run-payouts."),
    ],
) -> None:
    """Run one flow now, in this process (on PREFECT_API_URL, else a temporary local API)."""
    import asyncio

    from flows.registry import FLOW_NAMES

    if name not in FLOW_NAMES:
        raise typer.BadParameter(f"choose one of {', '.join(FLOW_NAMES)}", param_hint="NAME")
    settings = migrated_settings()
    from flows.local_api import configure_local_api

    configure_local_api(settings.var_dir)
    try:
        result = asyncio.run(_run_flow(name))
    except Exception as exc:
        fail(f"{name} failed: {type(exc).__name__}: {exc}")
    console.print(f"{name}: {result}")


@flows_app.command("work")
def flows_work(
    stop_when_stdin_closes: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:
    """Run the flows continuously: booking effects as they come, the rest on timers."""
    import asyncio

    settings = loaded_settings()
    from flows.local_api import configure_local_api, spawn_local_api

    configure_local_api(settings.var_dir)
    spawn_local_api()  # first, so Prefect's API starts while the worker imports the flows
    require_schema(settings)
    from hub.flow_worker import run_flow_worker

    asyncio.run(run_flow_worker(settings, stop_when_stdin_closes=stop_when_stdin_closes))


async def _run_flow(name: str) -> object:
    from flows.registry import flow_by_name
    from hub.flow_deps import register_environment_deps, reset_built_deps

    register_environment_deps()
    try:
        return await flow_by_name(name)()
    finally:
        await reset_built_deps()
