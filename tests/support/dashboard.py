"""A hub with October 2026 of `fixture_month` and two more readers, for the dashboard tests.

- Samia: the fixture's London reader (GBP), branded, with every figure worked out by hand;
- Noor: a Dubai reader (AED, Arabic) with one held, paid session (76.50 AED) that nobody
  else may see;
- Rose: a New York reader with no sessions at all.

The hub runs in this event loop behind httpx's ASGI transport, at an https public URL (so
its cookies are Secure), on a fixed clock: 5 November 2026, 12:00 UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from domain.clock import FixedClock
from domain.enums import BookingStatus, PaymentStatus, Role
from domain.models import Reader, Service
from domain.ports.links import SessionTimes
from hub.app import create_app
from hub.runtime import Runtime, build_runtime
from hub.settings import FlowsMode, load_settings
from storage.models import Payment
from storage.models import Reader as ReaderRow
from tests.domain.analytics.fixture_month import NOW, Month, seed_month
from tests.support.factories import (
    make_booking,
    make_client,
    make_reader,
    make_service,
    seed_open_reader,
)

PUBLIC_URL = "https://hub.example.test"
ADMIN_TOKEN = "dashboard-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
NOOR_NET = "76.50"  # what only Noor and the admin may see
SAMIA_BRAND = "Samia Tarot"


@dataclass
class DashboardHub:
    """The app, its runtime and clock, and the three readers."""

    app: FastAPI
    runtime: Runtime
    clock: FixedClock
    month: Month
    noor: Reader
    noor_service: Service
    rose: Reader
    public_url: str = PUBLIC_URL

    @property
    def samia(self) -> Reader:
        return self.month.reader

    def client(self) -> httpx.AsyncClient:
        """A browser with no cookies yet."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url=self.public_url,
            follow_redirects=False,
        )

    async def link(self, role: Role, person_id: UUID) -> str:
        """A one-time sign-in path, as the chat would send it (without the host)."""
        make = self.runtime.deps.dashboard_link
        assert make is not None
        url = urlsplit(await make(role, person_id))
        assert f"{url.scheme}://{url.netloc}" == self.public_url
        return url.path

    async def signed_in(self, role: Role, person_id: UUID | None = None) -> httpx.AsyncClient:
        """A browser that opened a fresh link of that reader (or an admin's)."""
        browser = self.client()
        path = await self.link(role, person_id or uuid.uuid4())
        answer = await browser.get(path)
        assert answer.status_code == 303, answer.text
        return browser


async def _seed_noor(runtime: Runtime) -> tuple[Reader, Service]:
    noor = make_reader(
        slug="noor", name="Noor Zahra", timezone="Asia/Dubai", currency="AED", languages=["ar"]
    )
    service = make_service(noor, name="قراءة الحب", duration_minutes=45, price_minor=7650)
    client = make_client()
    held = make_booking(
        service, client, datetime(2026, 10, 14, 15, 0, tzinfo=UTC), status=BookingStatus.COMPLETED
    )
    uows = runtime.database.uows
    await seed_open_reader(uows, noor, service, client, held, weekdays=range(6))
    async with uows() as uow:
        await uow.reading_sessions.save(
            SessionTimes(held.id, held.service_kind, held.starts_at,
                         held.starts_at + timedelta(minutes=40), 2400)
        )  # fmt: skip
        await uow.session.execute(  # type: ignore[attr-defined]
            sa.insert(Payment).values(
                id=uuid.uuid4(), booking_id=held.id, reader_id=noor.id, client_id=client.id,
                amount_minor=7650, currency="AED", settlement_amount_minor=7650,
                settlement_currency="AED", refunded_minor=0, provider="builtin",
                status=PaymentStatus.SUCCEEDED, received_at=held.starts_at,
                created_at=held.starts_at,
            )
        )  # fmt: skip
        await uow.commit()
    return noor, service


async def _brand(runtime: Runtime, reader: Reader, **values: Any) -> None:
    async with runtime.database.uows() as uow:
        await uow.session.execute(  # type: ignore[attr-defined]
            sa.update(ReaderRow).where(ReaderRow.id == reader.id).values(**values)
        )
        await uow.commit()


@asynccontextmanager
async def dashboard_hub(
    database_url: str, *, samia_languages: list[str] | None = None, public_url: str = PUBLIC_URL
) -> AsyncIterator[DashboardHub]:
    """The seeded hub, started (lifespan entered) and stopped around the block."""
    settings = load_settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        secret_key="ZGFzaGJvYXJkLXRlc3Qtc2VjcmV0ISEhISEhISEhISE=",  # Fernet: seals notes
        public_url=public_url,
        default_currency="GBP",
        flows=FlowsMode.OFF,
    )
    clock = FixedClock(NOW)
    runtime = await build_runtime(settings, clock=clock)
    try:
        month = await seed_month(runtime.database.uows)
        brand = {"display_name": SAMIA_BRAND, "brand_primary_color": "#5b2a86",
                 "brand_accent_color": "#d9a441"}  # fmt: skip
        if samia_languages:
            brand["languages"] = samia_languages
        await _brand(runtime, month.reader, **brand)
        async with runtime.database.uows(read_only=True) as uow:
            samia = await uow.readers.get(month.reader.id)
        assert samia is not None
        month.reader = samia
        noor, noor_service = await _seed_noor(runtime)
        rose = make_reader(slug="rose", name="Rose", timezone="America/New_York", currency="USD")
        await seed_open_reader(runtime.database.uows, rose)
        app = create_app(settings, runtime=runtime)
        async with app.router.lifespan_context(app):
            yield DashboardHub(app, runtime, clock, month, noor, noor_service, rose, public_url)
    finally:
        await runtime.close()


__all__ = ("ADMIN", "NOOR_NET", "PUBLIC_URL", "SAMIA_BRAND", "DashboardHub", "dashboard_hub")
