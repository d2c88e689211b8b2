"""What every `samia` sub-command shares: the one-line failure and a migrated database."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from hub.settings import Settings

err_console = Console(stderr=True)


def fail(reason: str) -> NoReturn:
    """One line on stderr and exit code 1, as `samia` reports every expected failure."""
    err_console.print(f"error: {reason}", highlight=False, soft_wrap=True, markup=False)
    raise typer.Exit(1)


def loaded_settings() -> Settings:
    """The settings, or the one-line reason they cannot be read."""
    from hub.settings import ConfigurationError, load_settings

    try:
        return load_settings()
    except ConfigurationError as exc:
        fail(str(exc))


def require_schema(settings: Settings) -> None:
    """Refuse a database that is not migrated, with the command that fixes it."""
    from storage.migrate import current_revision, head_revision

    if current_revision(settings.database_url) != head_revision():
        fail("the database is not at the newest schema: run `samia init` first")


def migrated_settings() -> Settings:
    """The settings, on a database at the newest schema, or the reason they are not."""
    settings = loaded_settings()
    require_schema(settings)
    return settings
