"""`GET /api/v1/analytics/...`: the figures as JSON for the admin's token or the reader's own
session, clear 400s for bad and future periods, and OpenAPI describing every field."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from domain.enums import Role
from hub import analytics_routes
from hub.link_guard import API_PREFIX
from hub.settings import load_settings
from tests.support.dashboard import ADMIN, NOOR_NET, DashboardHub, dashboard_hub

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
async def hub(database_url: str) -> AsyncIterator[DashboardHub]:
    async with dashboard_hub(database_url) as started:
        yield started


async def test_a_readers_figures_for_october_as_worked_out_by_hand(hub: DashboardHub) -> None:
    answer = await hub.client().get(
        f"/api/v1/analytics/readers/{hub.samia.slug}", params=OCTOBER, headers=ADMIN
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["from"], body["to"], body["timezone"]) == (
        "2026-10-01",
        "2026-10-31",
        "Europe/London",
    )
    revenue = body["revenue"]
    assert (revenue["currency"], revenue["net_minor"], revenue["refunded_minor"]) == (
        "GBP",
        18050,
        3050,
    )
    assert {b["key"]: b["net_minor"] for b in revenue["by_bucket"]}["2026-10-25"] == 6000
    sessions = body["sessions"]
    assert (sessions["completed"], sessions["no_show"], sessions["cancelled"]) == (5, 1, 1)
    assert sessions["median_minutes"] == pytest.approx(47.5)
    assert body["ratings"]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert body["peak_hours"]["total"] == 5
    assert (body["retention"]["new_clients"], body["retention"]["returning_clients"]) == (2, 1)


async def test_a_reader_reads_their_own_figures_with_their_session_and_nobody_elses(
    hub: DashboardHub,
) -> None:
    samia = await hub.signed_in(Role.READER, hub.samia.id)
    own = await samia.get(f"/api/v1/analytics/readers/{hub.samia.slug}", params=OCTOBER)
    assert own.status_code == 200
    assert own.json()["revenue"]["net_minor"] == 18050
    for path in (f"readers/{hub.noor.slug}", "platform", "live"):
        refused = await samia.get(f"/api/v1/analytics/{path}", params=OCTOBER)
        assert refused.status_code == 403, path
        assert NOOR_NET not in refused.text


async def test_without_a_token_or_a_session_the_answer_is_401(hub: DashboardHub) -> None:
    answer = await hub.client().get("/api/v1/analytics/platform")
    assert answer.status_code == 401
    assert "dashboard" in answer.json()["detail"]
    wrong = await hub.client().get(
        "/api/v1/analytics/platform", headers={"Authorization": "Bearer wrong"}
    )
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"from": "1 October"}, "from: use YYYY-MM-DD"),
        ({"from": "2026-10-01", "to": "2026-13-01"}, "to: use YYYY-MM-DD"),
        ({"from": "2026-10-31", "to": "2026-10-01"}, "starts (2026-10-31) after it ends"),
        ({"from": "2027-01-01", "to": "2027-01-31"}, "has not started yet"),
        ({"from": "2027-01-01"}, "has not started yet"),
    ],
)
async def test_bad_and_future_periods_are_a_400_saying_why(
    hub: DashboardHub, query: dict[str, str], reason: str
) -> None:
    for path in (f"readers/{hub.samia.slug}", "platform"):
        answer = await hub.client().get(f"/api/v1/analytics/{path}", params=query, headers=ADMIN)
        assert answer.status_code == 400, (path, answer.text)
        assert reason in answer.json()["detail"]


async def test_a_reader_with_no_sessions_yet_gets_zeros_not_an_error(hub: DashboardHub) -> None:
    answer = await hub.client().get("/api/v1/analytics/readers/rose", headers=ADMIN)
    assert answer.status_code == 200
    body = answer.json()
    assert body["sessions"]["completed"] == 0
    assert body["sessions"]["completion_rate"] is None
    assert body["ratings"]["average"] is None


async def test_the_platform_and_live_figures(hub: DashboardHub) -> None:
    platform = await hub.client().get("/api/v1/analytics/platform", params=OCTOBER, headers=ADMIN)
    assert platform.status_code == 200
    popular = platform.json()["popularity"]
    assert {"service": "Love reading", "reader": "Samia Tarot", "sessions": 5} in popular
    live = await hub.client().get("/api/v1/analytics/live", headers=ADMIN)
    assert live.status_code == 200
    body = live.json()
    assert len(body["activity"]) == 7
    assert all(len(row) == 24 for row in body["activity"])
    admin = await hub.signed_in(Role.ADMIN)
    assert (await admin.get("/api/v1/analytics/live")).status_code == 200  # an admin's session


async def test_unknown_readers_and_services_are_404(hub: DashboardHub) -> None:
    unknown = await hub.client().get("/api/v1/analytics/readers/nobody", headers=ADMIN)
    assert unknown.status_code == 404
    other = await hub.client().get(
        f"/api/v1/analytics/readers/{hub.samia.slug}",
        params={"service": str(hub.noor_service.id)},
        headers=ADMIN,
    )
    assert other.status_code == 404


def test_openapi_documents_the_three_routes_and_their_figures() -> None:
    app = FastAPI()
    settings = load_settings(database_url="sqlite:///unused.db")
    app.include_router(analytics_routes.router(settings), prefix=API_PREFIX)
    schema = app.openapi()
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/analytics/readers/{slug}",
        "/api/v1/analytics/platform",
        "/api/v1/analytics/live",
    }
    reader = paths["/api/v1/analytics/readers/{slug}"]["get"]
    assert {p["name"] for p in reader["parameters"]} >= {"slug", "from", "to", "service"}
    models = schema["components"]["schemas"]
    assert {"ReaderAnalyticsOut", "PlatformAnalyticsOut", "LiveOut", "SessionsOut"} <= set(models)
    assert "net_minor" in models["RevenueOut"]["properties"]
    assert "from" in models["ReaderAnalyticsOut"]["properties"]
