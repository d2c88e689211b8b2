"""The `samia` command line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hub import __version__
from hub.settings import ConfigurationError, Settings, load_settings

app = typer.Typer(
    name="samia",
    help="Samia hub: run a tarot-reading business from inside messaging apps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


class CommandFailed(Exception):
    """An expected failure: printed as one line, exit code 1."""


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as exc:
        raise CommandFailed(str(exc)) from None


def _version(value: bool) -> None:
    if value:
        console.print(f"samia {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Samia hub command line."""


@app.command()
def init(
    demo: Annotated[bool, typer.Option("--demo", help="Seed demo readers and history.")] = False,
) -> None:
    """Create or upgrade the database to the newest schema."""
    from hub.secrets import credential_cipher
    from storage.migrate import current_revision, head_revision, upgrade

    settings = _settings()
    before = current_revision(settings.database_url)
    upgrade(settings.database_url)
    credential_cipher(settings)  # make sure the key exists before anything is encrypted
    target = head_revision()
    if before == target:
        console.print(f"database already at {target}: {_safe_url(settings.database_url)}")
    else:
        console.print(f"database upgraded {before or 'empty'} -> {target}")
    if demo:
        from hub.demo import seed_demo

        summary = seed_demo(settings)
        console.print(summary)


@app.command()
def doctor() -> None:
    """Show which providers are configured and what each still needs."""
    settings = _settings()
    table = Table(title="Samia hub providers")
    table.add_column("provider")
    table.add_column("state")
    table.add_column("missing settings")
    for status in settings.provider_statuses():
        state = "[green]configured[/]" if status.enabled else "built-in fallback"
        missing = ", ".join(f"SAMIA_{name.upper()}" for name in status.missing)
        table.add_row(status.name, state, missing)
    console.print(table)
    console.print(f"database: {_safe_url(settings.database_url)}")


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point: expected failures are one line on stderr and exit code 1."""
    from sqlalchemy.exc import OperationalError

    from storage.db import UnsupportedDatabase

    try:
        app(standalone_mode=True)
    except (CommandFailed, UnsupportedDatabase) as exc:
        _fail(str(exc))
    except OperationalError as exc:
        _fail(f"cannot reach the database: {str(exc.orig).strip().splitlines()[0]}")


def _fail(reason: str) -> None:
    err_console.print(f"error: {reason}", highlight=False, soft_wrap=True, markup=False)
    sys.exit(1)


if __name__ == "__main__":
    main()
