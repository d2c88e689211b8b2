"""Operator actions behind `samia readers` and `samia clients`, through the domain."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from uuid import uuid4
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.clock import SystemClock
from domain.enums import PricingModel, ServiceKind
from domain.errors import DomainError
from domain.identity import create_link_code, new_referral_code
from domain.models import Client, Reader, Service, WeeklyHours
from domain.ports.storage import UnitOfWorkFactory
from hub.settings import Settings
from storage.uow import Database

T = TypeVar("T")


class AdminError(Exception):
    """An operator command failed for a reason worth one line."""


def run(settings: Settings, action: Callable[..., Awaitable[T]], **kwargs: Any) -> T:
    """Run one async admin action against the configured database."""

    async def _main() -> T:
        database = Database.from_url(settings.database_url)
        try:
            return await action(database.uows, **kwargs)
        except DomainError as exc:
            raise AdminError(str(exc)) from None
        finally:
            await database.dispose()

    return asyncio.run(_main())


async def list_readers(uows: UnitOfWorkFactory) -> list[Reader]:
    """Active readers."""
    async with uows() as work:
        return await work.readers.list_active()


async def add_reader(
    uows: UnitOfWorkFactory, *, slug: str, name: str, timezone: str, currency: str
) -> Reader:
    """A new reader with default weekday hours so clients can book at once."""
    _check_zone(timezone)
    if len(currency) != 3 or not currency.isalpha():
        raise AdminError(f"currency must be an ISO 4217 code like USD, got {currency!r}")
    reader = Reader(
        id=uuid4(),
        slug=slug,
        name=name,
        timezone=timezone,
        currency=currency.upper(),
        booking_slug=slug,
        ics_token=secrets.token_urlsafe(24),
    )
    async with uows() as work:
        if await work.readers.get_by_slug(slug) is not None:
            raise AdminError(f"a reader with slug {slug!r} already exists")
        await work.readers.add(reader)
        for weekday in range(5):
            await work.availability.replace_weekday(
                reader.id, weekday, [WeeklyHours(weekday, time(10), time(18))]
            )
        await work.commit()
    return reader


async def add_service(
    uows: UnitOfWorkFactory,
    *,
    reader_slug: str,
    name: str,
    minutes: int,
    price: str,
    kind: str,
    pricing: str,
    sessions: int | None,
) -> Service:
    """A service for a reader; the price is typed as a decimal in the reader's currency."""
    try:
        service_kind, pricing_model = ServiceKind(kind), PricingModel(pricing)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    if minutes <= 0:
        raise AdminError("--minutes must be positive")
    if pricing_model is PricingModel.PACKAGE and not sessions:
        raise AdminError("a package needs --sessions")
    async with uows() as work:
        reader = await work.readers.get_by_slug(reader_slug)
        if reader is None:
            raise AdminError(f"no reader with slug {reader_slug!r}")
        service = Service(
            id=uuid4(),
            reader_id=reader.id,
            slug=_slugify(name),
            name=name,
            kind=service_kind,
            duration_minutes=minutes,
            pricing_model=pricing_model,
            price_minor=to_minor_units(price, reader.currency),
            currency=reader.currency,
            package_sessions=sessions,
        )
        await work.services.add(service)
        await work.commit()
    return service


def to_minor_units(amount: str, currency: str) -> int:
    """'45.00' GBP -> 4500; refuses negatives and more decimals than the currency has."""
    from babel.numbers import get_currency_precision

    digits = get_currency_precision(currency)
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise AdminError(f"not an amount: {amount!r}") from None
    minor = value.scaleb(digits)
    if value < 0 or minor != minor.to_integral_value():
        raise AdminError(f"{amount} is not a valid {currency} amount ({digits} decimals)")
    return int(minor)


def _slugify(name: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    return "-".join(part for part in slug.split("-") if part)[:64] or "reading"


async def invite_reader(uows: UnitOfWorkFactory, *, slug: str) -> str:
    """A one-time link code for a reader's chat accounts."""
    async with uows() as work:
        reader = await work.readers.get_by_slug(slug)
    if reader is None:
        raise AdminError(f"no reader with slug {slug!r}")
    return await create_link_code(uow=uows(), clock=SystemClock(), reader_id=reader.id)


async def list_clients(uows: UnitOfWorkFactory, *, limit: int) -> list[Client]:
    """The newest clients."""
    async with uows() as work:
        return await work.clients.newest(limit)


async def add_client(
    uows: UnitOfWorkFactory, *, email: str, name: str | None, timezone: str, language: str
) -> Client:
    """A client added by an operator (e.g. imported from elsewhere)."""
    _check_zone(timezone)
    if "@" not in email:
        raise AdminError(f"not an email address: {email!r}")
    client = Client(
        id=uuid4(),
        referral_code=new_referral_code(),
        name=name,
        email=email.lower(),
        timezone=timezone,
        language=language,
    )
    async with uows() as work:
        if await work.clients.get_by_email(email) is not None:
            raise AdminError(f"a client with email {email} already exists")
        await work.clients.add(client)
        await work.commit()
    return client


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AdminError(
            f"unknown timezone {name!r}; use an IANA name like Europe/London"
        ) from None
