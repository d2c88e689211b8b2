"""The `samia` command line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hub import __version__
from hub.admin_cli import admin_app
from hub.campaigns_cli import campaigns_app
from hub.flows_cli import flows_app
from hub.fx_cli import fx_app
from hub.invoices_cli import invoices_app
from hub.payouts_cli import payouts_app
from hub.segments_cli import segments_app
from hub.settings import ConfigurationError, FlowsMode, Settings, load_settings

app = typer.Typer(
    name="samia",
    help="Samia hub: run a tarot-reading business from inside messaging apps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)
app.add_typer(fx_app, name="fx")
app.add_typer(invoices_app, name="invoices")
app.add_typer(payouts_app, name="payouts")
app.add_typer(flows_app, name="flows")
app.add_typer(admin_app, name="admin")
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(segments_app, name="segments")


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
    prefect_database = None
    if settings.flows is not FlowsMode.OFF:
        from flows.local_api import prepare_local_database

        prefect_database = prepare_local_database(settings.var_dir)
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
    if prefect_database is not None:
        try:
            prefect_database()
            console.print("Prefect's local database is ready")
        except RuntimeError as exc:  # serve tries again and says why
            err_console.print(f"Prefect's local API did not start: {exc}")


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
    from hub.doctor import print_pings

    if silent := print_pings(settings, console):
        raise CommandFailed(f"not answering: {', '.join(silent)}")


telegram_app = typer.Typer(help="Telegram bot set-up.", no_args_is_help=True)
app.add_typer(telegram_app, name="telegram")


@telegram_app.command("set-webhook")
def telegram_set_webhook() -> None:
    """Register {SAMIA_PUBLIC_URL}/webhooks/telegram with Telegram, with our secret token."""
    import asyncio

    from bots.telegram.setup import set_webhook

    settings = _settings()
    if settings.telegram is None:
        raise CommandFailed(
            "Telegram is not configured: set SAMIA_TELEGRAM_BOT_TOKEN and "
            "SAMIA_TELEGRAM_WEBHOOK_SECRET"
        )
    try:
        url = asyncio.run(set_webhook(settings.telegram, settings.public_url))
    except RuntimeError as exc:
        raise CommandFailed(f"Telegram refused the webhook: {exc}") from None
    console.print(f"Telegram now sends updates to {url}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the hub: web chat, webhooks, API and the scheduled flows."""
    settings = _settings()
    _require_schema(settings)
    from hub.serving import serve as serve_hub

    base = f"http://{host}:{port}"
    console.print(f"Samia hub on {base}  ·  web chat {base}/chat  ·  API docs {base}/docs")
    serve_hub(settings, host=host, port=port)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Migrate, seed demo data, then serve."""
    init(demo=True)
    base = f"http://{host}:{port}"
    console.print("Open these:")
    console.print(f"  web chat (any reader)   {base}/chat")
    for slug in ("samia", "layla", "rose"):
        label = f"{slug}'s page"
        console.print(f"  {label:<24}{base}/r/{slug}")
    console.print(f"  REST API docs           {base}/docs")
    console.print("  terminal chat           .venv/bin/samia chat --as reader:samia")
    serve(host=host, port=port)


@app.command()
def chat(
    as_: Annotated[str, typer.Option("--as", help="client:<email> or reader:<slug>")],
) -> None:
    """Talk to the engine in the terminal."""
    import asyncio

    from domain.errors import DomainError
    from hub.console import parse_persona, run_console

    try:
        parse_persona(as_)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--as") from None
    settings = _settings()
    _require_schema(settings)
    try:
        asyncio.run(run_console(settings, as_, console))
    except DomainError as exc:
        raise CommandFailed(f"{exc} {exc.params or ''}".strip()) from None


readers_app = typer.Typer(help="Add, list and invite readers.", no_args_is_help=True)
clients_app = typer.Typer(help="Add and list clients.", no_args_is_help=True)
services_app = typer.Typer(help="Add services readers sell.", no_args_is_help=True)
app.add_typer(readers_app, name="readers")
app.add_typer(services_app, name="services")
app.add_typer(clients_app, name="clients")


@readers_app.command("list")
def readers_list() -> None:
    """List readers."""
    from hub import admin

    table = Table("slug", "name", "timezone", "currency")
    for reader in admin.run(_settings(), admin.list_readers):
        table.add_row(reader.slug, reader.name, reader.timezone, reader.currency)
    console.print(table)


@readers_app.command("add")
def readers_add(
    slug: str,
    name: Annotated[str, typer.Option(help="Display name.")],
    timezone: Annotated[str, typer.Option(help="IANA timezone, e.g. Europe/London.")] = "UTC",
    currency: Annotated[str, typer.Option(help="ISO 4217 code.")] = "USD",
) -> None:
    """Add a reader (open Monday to Friday, 10:00-18:00, until they set their hours)."""
    from hub import admin

    reader = admin.run(
        _settings(), admin.add_reader, slug=slug, name=name, timezone=timezone, currency=currency
    )
    console.print(f"added reader {reader.slug}")


@services_app.command("add")
def services_add(
    reader: Annotated[str, typer.Argument(help="The reader's slug.")],
    name: Annotated[str, typer.Argument(help="What clients see, e.g. 'Love reading'.")],
    price: Annotated[str, typer.Option(help="Price in the reader's currency, e.g. 45.00.")],
    minutes: Annotated[int, typer.Option(help="Length of one session.")] = 30,
    kind: Annotated[str, typer.Option(help="chat, voice or video.")] = "video",
    pricing: Annotated[str, typer.Option(help="fixed, per_minute or package.")] = "fixed",
    sessions: Annotated[int | None, typer.Option(help="Sessions in a package.")] = None,
) -> None:
    """Add a service a reader sells."""
    from hub import admin

    service = admin.run(
        _settings(),
        admin.add_service,
        reader_slug=reader,
        name=name,
        minutes=minutes,
        price=price,
        kind=kind,
        pricing=pricing,
        sessions=sessions,
    )
    console.print(f"added service {service.slug} to {reader}")


@readers_app.command("invite")
def readers_invite(slug: str) -> None:
    """Print a one-time code the reader sends as `/link CODE` in any chat."""
    from hub import admin

    code = admin.run(_settings(), admin.invite_reader, slug=slug)
    console.print(f"link code for {slug} (valid 24 hours): {code}")
    console.print(f"the reader sends:  /link {code}")


@clients_app.command("list")
def clients_list(limit: Annotated[int, typer.Option(min=1)] = 20) -> None:
    """List the newest clients."""
    from hub import admin

    table = Table("email", "name", "language", "timezone")
    for client in admin.run(_settings(), admin.list_clients, limit=limit):
        table.add_row(client.email or "-", client.name or "-", client.language, client.timezone)
    console.print(table)


@clients_app.command("add")
def clients_add(
    email: str,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    timezone: Annotated[str, typer.Option(help="IANA timezone.")] = "UTC",
    language: Annotated[str, typer.Option(help="en or ar.")] = "en",
) -> None:
    """Add a client."""
    from hub import admin

    client = admin.run(
        _settings(), admin.add_client, email=email, name=name, timezone=timezone, language=language
    )
    console.print(f"added client {client.email}")


@app.command()
def outbox(
    to: Annotated[str | None, typer.Option(help="Only emails to this address.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 20,
    full: Annotated[bool, typer.Option(help="Print each email's whole text.")] = False,
) -> None:
    """Emails held instead of sent (no SAMIA_SMTP_URL): sign-in codes, newest first."""
    from hub import outbox_cli

    settings = _settings()
    _require_schema(settings)
    outbox_cli.show(settings, to=to, limit=limit, full=full)


def _require_schema(settings: Settings) -> None:
    """Refuse to run on a database that is not migrated, with the command that fixes it."""
    from storage.migrate import current_revision, head_revision

    if current_revision(settings.database_url) != head_revision():
        raise CommandFailed("the database is not at the newest schema: run `samia init` first")


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point: expected failures are one line on stderr and exit code 1."""
    from sqlalchemy.exc import OperationalError

    from hub.admin import AdminError
    from storage.db import UnsupportedDatabase

    try:
        app(standalone_mode=True)
    except (CommandFailed, UnsupportedDatabase) as exc:
        _fail(str(exc))
    except AdminError as exc:
        _fail(str(exc))
    except OperationalError as exc:
        _fail(f"cannot reach the database: {str(exc.orig).strip().splitlines()[0]}")


def _fail(reason: str) -> None:
    err_console.print(f"error: {reason}", highlight=False, soft_wrap=True, markup=False)
    sys.exit(1)


if __name__ == "__main__":
    main()
