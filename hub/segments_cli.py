"""`samia segments list|library|count|save|show`: rule-based client segments from the shell."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from hub.cli_support import fail, migrated_settings

if TYPE_CHECKING:
    from domain.crm.segments import ResolvedSegment
    from storage.uow import Database

segments_app = typer.Typer(help="Rule-based client segments.", no_args_is_help=True)
console = Console()
ReaderOption = Annotated[
    str | None, typer.Option("--reader", help="The reader's slug; none for the platform.")
]
SHOWN = 50


def _bad_rule(reason: str) -> None:
    """A rule that does not parse is bad usage: one line, exit code 2."""
    typer.echo(f"error: {reason}", err=True)
    raise typer.Exit(2)


def _database() -> Database:
    from storage.uow import Database

    return Database.from_url(migrated_settings().database_url)


async def _reader_id(database: Database, slug: str | None) -> UUID | None:
    if slug is None:
        return None
    async with database.uows(read_only=True) as uow:
        reader = await uow.readers.get_by_slug(slug)
    if reader is None:
        fail(f"no reader {slug!r}")
    return reader.id


@segments_app.command("library")
def library() -> None:
    """The ready-made segments every reader can use by key or name."""
    from domain.crm.segments import LIBRARY

    table = Table()
    for column in ("key", "name", "الاسم", "rule"):
        table.add_column(column, overflow="fold")
    for segment in LIBRARY.values():
        table.add_row(segment.key, segment.name_en, segment.name_ar, segment.rule_text)
    console.print(table)


@segments_app.command("list")
def list_(reader: ReaderOption = None) -> None:
    """The library and the saved segments, each with how many clients it selects now."""

    async def work() -> list[tuple[ResolvedSegment, int]]:
        from domain.clock import SystemClock
        from domain.crm.segments import list_segments, segment_count

        database = _database()
        try:
            reader_id = await _reader_id(database, reader)
            found = await list_segments(uow=database.uows(read_only=True), reader_id=reader_id)
            return [
                (s, await segment_count(
                    uow=database.uows(read_only=True), clock=SystemClock(),
                    reader_id=reader_id, rule=s.rule, marketing_only=False,
                ))
                for s in found
            ]  # fmt: skip
        finally:
            await database.dispose()

    table = Table()
    for column in ("name", "kind", "rule", "clients"):
        table.add_column(column, overflow="fold")
    for segment, count in asyncio.run(work()):
        kind = "library" if segment.library_key else "saved"
        table.add_row(segment.library_key or segment.name, kind, segment.rule_text, str(count))
    console.print(table)


async def _count(
    reader: str | None, rule_text: str | None, name: str | None, marketing: bool
) -> tuple[str, int]:
    from domain.clock import SystemClock
    from domain.crm.segments import parse_rule, resolve_segment, segment_count

    database = _database()
    try:
        reader_id = await _reader_id(database, reader)
        if name is not None:
            found = await resolve_segment(
                uow=database.uows(read_only=True), reader_id=reader_id, name=name
            )
            if found is None:
                fail(f"no segment {name!r} (see `samia segments list`)")
            rule, text = found.rule, found.rule_text
        else:
            rule, text = parse_rule(rule_text or ""), rule_text or ""
        count = await segment_count(
            uow=database.uows(read_only=True), clock=SystemClock(), reader_id=reader_id,
            rule=rule, marketing_only=marketing,
        )  # fmt: skip
        return text, count
    finally:
        await database.dispose()


@segments_app.command("count")
def count(
    reader: ReaderOption = None,
    rule: Annotated[
        str | None, typer.Option("--rule", help="A rule, e.g. 'sessions >= 3'.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A saved or library segment.")] = None,
    marketing: Annotated[
        bool, typer.Option("--marketing", help="Only clients who accept marketing.")
    ] = False,
) -> None:
    """How many clients a rule (or a named segment) selects now."""
    from domain.crm.segments import SegmentRuleError

    if (rule is None) == (name is None):
        _bad_rule("give exactly one of --rule or --name")
    try:
        text, total = asyncio.run(_count(reader, rule, name, marketing))
    except SegmentRuleError as error:
        _bad_rule(str(error))
    console.print(f"{total} clients match: {text}", highlight=False, soft_wrap=True)


@segments_app.command("save")
def save(
    name: Annotated[str, typer.Option("--name", help="The segment's name.")],
    rule: Annotated[str, typer.Option("--rule", help="A rule, e.g. 'sessions >= 3'.")],
    reader: ReaderOption = None,
) -> None:
    """Save (or replace) a named segment; a rule that does not parse saves nothing."""
    from domain.clock import SystemClock
    from domain.crm.segments import SegmentRuleError, save_segment

    async def work() -> ResolvedSegment:
        database = _database()
        try:
            reader_id = await _reader_id(database, reader)
            return await save_segment(
                uow=database.uows(), clock=SystemClock(), reader_id=reader_id,
                name=name, rule_text=rule,
            )  # fmt: skip
        finally:
            await database.dispose()

    try:
        saved = asyncio.run(work())
    except SegmentRuleError as error:
        _bad_rule(str(error))
    console.print(f"saved {saved.name!r}: {saved.rule_text}", highlight=False, soft_wrap=True)


@segments_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A saved or library segment.")],
    reader: ReaderOption = None,
) -> None:
    """A segment's rule, its count, and its first clients (email, name)."""

    async def work() -> tuple[ResolvedSegment, int, list[tuple[str, str]]]:
        from domain.clock import SystemClock
        from domain.crm.segments import resolve_segment

        database = _database()
        try:
            reader_id = await _reader_id(database, reader)
            found = await resolve_segment(
                uow=database.uows(read_only=True), reader_id=reader_id, name=name
            )
            if found is None:
                fail(f"no segment {name!r} (see `samia segments list`)")
            now = SystemClock().now()
            async with database.uows(read_only=True) as uow:
                total = await uow.segments.count(
                    reader_id=reader_id, rule=found.rule, now=now, marketing_only=False
                )
                ids = await uow.segments.client_ids(
                    reader_id=reader_id, rule=found.rule, now=now, marketing_only=False,
                    after=None, limit=SHOWN,
                )  # fmt: skip
                people = [await uow.clients.get(i) for i in ids]
            rows = [(p.email or "-", p.name or "-") for p in people if p is not None]
            return found, total, rows
        finally:
            await database.dispose()

    segment, total, rows = asyncio.run(work())
    console.print(
        f"{segment.name}: {segment.rule_text} ({total} clients)", highlight=False, soft_wrap=True
    )
    table = Table()
    table.add_column("email", overflow="fold")
    table.add_column("name", overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if total > len(rows):
        console.print(f"... and {total - len(rows)} more", highlight=False)
