"""A reader's session tries every dashboard and analytics route, with every query parameter
naming another reader, their service or the platform: every answer is a refusal, and no
answer carries a byte of the other reader's figures. The route list is read from the app,
so a new route fails here until it is added to the table below."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from itertools import product
from typing import Any

import pytest

from domain.enums import Role
from hub.dashboard.tables import READER_TABLES, DashboardTable
from tests.support.dashboard import NOOR_NET, DashboardHub, dashboard_hub

# Every route of the dashboard and the analytics API, and what a reader may do there.
ROUTES = {
    "/dashboard": "page",
    "/dashboard/live": "admin",
    "/dashboard/export/{name}.csv": "export",
    "/dashboard/login/{token}": "no data: a token of one's own",
    "/dashboard/logout": "no data",
    "/dashboard/static/{name}": "no data: CSS, script, plotly.js",
    "/api/v1/analytics/readers/{slug}": "api-reader",
    "/api/v1/analytics/platform": "admin",
    "/api/v1/analytics/live": "admin",
}
PERIODS = [
    {},
    {"period": "this month"},
    {"custom": "2026-10"},
    {"from": "2026-10-01", "to": "2026-10-31"},
]


@pytest.fixture
async def hub(database_url: str) -> AsyncIterator[DashboardHub]:
    async with dashboard_hub(database_url) as started:
        yield started


def leaks(hub: DashboardHub, body: str) -> list[str]:
    """Whatever of Noor's shows in an answer."""
    marks = [hub.noor.name, NOOR_NET, "76.5", hub.noor_service.name, str(hub.noor_service.id)]
    return [mark for mark in marks if mark in body]


def all_paths(routes: list[Any], prefix: str = "") -> Iterator[str]:
    """Every route's path, into included routers (FastAPI 0.150 includes them lazily)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from all_paths(inner.routes, prefix + getattr(context, "prefix", ""))
        elif hasattr(route, "path"):
            yield prefix + route.path


def others(hub: DashboardHub) -> list[dict[str, str]]:
    """Every way a query can point at someone else's figures."""
    noor = [
        {"reader": hub.noor.slug},
        {"reader": str(hub.noor.id)},
        {"reader": hub.rose.slug},
        {"reader": "no-such-reader"},
        {"service": str(hub.noor_service.id)},
        {"reader": hub.noor.slug, "service": str(hub.noor_service.id)},
        {"lang": "ar", "reader": hub.noor.slug},
    ]
    return [{**who, **period} for who, period in product(noor, PERIODS)]


async def test_the_route_table_names_every_route(hub: DashboardHub) -> None:
    paths = {
        p for p in all_paths(hub.app.routes) if p.startswith(("/dashboard", "/api/v1/analytics"))
    }
    assert paths == set(ROUTES)


async def test_a_readers_session_never_reaches_another_readers_or_the_platforms_figures(
    hub: DashboardHub,
) -> None:
    samia = await hub.signed_in(Role.READER, hub.samia.id)
    own = await samia.get("/dashboard", params={"custom": "2026-10", "reader": hub.samia.slug})
    assert own.status_code == 200
    assert "£180.50" in own.text
    tried = 0
    for query in others(hub):
        for path in ("/dashboard", "/dashboard/live"):
            answer = await samia.get(path, params=query)
            assert answer.status_code in (403, 404), (path, query, answer.status_code)
            assert not leaks(hub, answer.text), (path, query)
            tried += 1
        for table in DashboardTable:
            answer = await samia.get(f"/dashboard/export/{table.value}.csv", params=query)
            assert answer.status_code in (403, 404), (table, query, answer.status_code)
            assert not leaks(hub, answer.text), (table, query)
            tried += 1
        for slug in (hub.noor.slug, str(hub.noor.id), hub.rose.slug, "no-such-reader"):
            answer = await samia.get(f"/api/v1/analytics/readers/{slug}", params=query)
            assert answer.status_code == 403, (slug, query, answer.status_code)
            assert not leaks(hub, answer.text)
            tried += 1
        for path in ("/api/v1/analytics/platform", "/api/v1/analytics/live"):
            answer = await samia.get(path, params=query)
            assert answer.status_code == 403, (path, query, answer.status_code)
            assert not leaks(hub, answer.text)
            tried += 1
    assert tried == len(others(hub)) * (2 + len(DashboardTable) + 4 + 2)


async def test_platform_tables_are_refused_to_a_reader_even_about_themselves(
    hub: DashboardHub,
) -> None:
    samia = await hub.signed_in(Role.READER, hub.samia.id)
    for table in DashboardTable:
        answer = await samia.get(f"/dashboard/export/{table.value}.csv")
        expected = 200 if table in READER_TABLES else 403
        assert answer.status_code == expected, table
        assert not leaks(hub, answer.text)


async def test_a_repeated_parameter_cannot_smuggle_another_reader_in(hub: DashboardHub) -> None:
    samia = await hub.signed_in(Role.READER, hub.samia.id)
    twice = [("reader", hub.samia.slug), ("reader", hub.noor.slug)]
    for path in ("/dashboard", "/dashboard/export/revenue.csv"):
        for order in (twice, twice[::-1]):
            answer = await samia.get(path, params=order)
            assert not leaks(hub, answer.text), (path, order)


async def test_noor_sees_her_own_figures_and_not_samias(hub: DashboardHub) -> None:
    noor = await hub.signed_in(Role.READER, hub.noor.id)
    page = await noor.get("/dashboard", params={"custom": "2026-10"})
    assert page.status_code == 200
    assert NOOR_NET in page.text
    refused = await noor.get("/dashboard", params={"reader": hub.samia.slug})
    assert refused.status_code == 403
    assert "180.50" not in refused.text
