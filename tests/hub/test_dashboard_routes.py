"""The dashboard over HTTP (httpx's ASGI transport): signing in by a one-time link, the
reader's and the admin's pages, filters, bad input, and every table as CSV, checked
against the figures `fixture_month` works out by hand; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from domain.analytics.dashboard_access import token_hash
from domain.enums import Role
from tests.support.dashboard import NOOR_NET, SAMIA_BRAND, DashboardHub, dashboard_hub

OCTOBER = {"custom": "2026-10"}


@pytest.fixture
async def hub(database_url: str) -> AsyncIterator[DashboardHub]:
    async with dashboard_hub(database_url) as started:
        yield started


def rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


def kpi(html: str, key: str) -> str:
    """The value shown in one headline number."""
    start = html.index(f'data-kpi="{key}"')
    value = html.index('class="kpi-value"', start)
    return html[html.index(">", value) + 1 : html.index("</strong>", value)]


class TestSigningIn:
    async def test_a_link_signs_in_once_with_a_secure_httponly_lax_cookie(
        self, hub: DashboardHub
    ) -> None:
        browser = hub.client()
        path = await hub.link(Role.READER, hub.samia.id)

        answer = await browser.get(path)

        assert answer.status_code == 303
        assert answer.headers["location"] == "/dashboard"
        cookie = answer.headers["set-cookie"].lower()
        for attribute in ("httponly", "secure", "samesite=lax", "max-age=43200", "path=/"):
            assert attribute in cookie
        token = path.rsplit("/", 1)[1]
        async with hub.runtime.database.uows(read_only=True) as uow:
            assert await uow.dashboard_links.find(token) is None
            assert (await uow.dashboard_links.find(token_hash(token))) is not None
        page = await browser.get("/dashboard")
        assert page.status_code == 200
        assert SAMIA_BRAND in page.text

    async def test_a_reused_link_is_refused_with_the_way_to_a_new_one(
        self, hub: DashboardHub
    ) -> None:
        path = await hub.link(Role.READER, hub.samia.id)
        assert (await hub.client().get(path)).status_code == 303

        again = await hub.client().get(path)

        assert again.status_code == 410
        assert "already used" in again.text
        assert "type “dashboard” in your chat" in again.text
        assert "set-cookie" not in again.headers

    async def test_an_expired_link_is_refused_with_the_way_to_a_new_one(
        self, hub: DashboardHub
    ) -> None:
        path = await hub.link(Role.READER, hub.samia.id)
        hub.clock.advance(timedelta(minutes=10, seconds=1))

        late = await hub.client().get(path, headers={"Accept-Language": "ar"})

        assert late.status_code == 410
        assert "انتهت صلاحية رابط الدخول" in late.text
        assert "لوحة التحكم" in late.text
        assert 'dir="rtl"' in late.text

    async def test_an_unknown_link_is_refused(self, hub: DashboardHub) -> None:
        answer = await hub.client().get("/dashboard/login/not-a-real-token")
        assert answer.status_code == 404
        assert "not valid" in answer.text

    async def test_a_link_preview_does_not_use_up_the_link(self, hub: DashboardHub) -> None:
        path = await hub.link(Role.READER, hub.samia.id)
        preview = await hub.client().get(
            path, headers={"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com)"}
        )
        assert preview.status_code == 200
        assert "set-cookie" not in preview.headers
        assert (await hub.client().get(path)).status_code == 303

    async def test_without_a_session_the_page_says_how_to_get_a_link(
        self, hub: DashboardHub
    ) -> None:
        answer = await hub.client().get("/dashboard")
        assert answer.status_code == 401
        assert "type “dashboard” in your chat" in answer.text
        assert "samia admin login-link" in answer.text

    async def test_a_forged_or_expired_session_cookie_is_no_session(
        self, hub: DashboardHub
    ) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        value = browser.cookies["samia_dashboard"]
        _role, _reader, exp, sig = value.split(".")
        forged = hub.client()
        forged.cookies.set("samia_dashboard", f"admin.-.{exp}.{sig}")
        assert (await forged.get("/dashboard")).status_code == 401
        hub.clock.advance(timedelta(hours=12, seconds=1))
        assert (await browser.get("/dashboard")).status_code == 401

    async def test_signing_out_forgets_the_session(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        out = await browser.post("/dashboard/logout")
        assert out.status_code == 200
        assert "signed out" in out.text
        assert (await browser.get("/dashboard")).status_code == 401


class TestReaderPage:
    async def test_octobers_figures_as_worked_out_by_hand(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)

        page = (await browser.get("/dashboard", params=OCTOBER)).text

        assert kpi(page, "revenue") == "£180.50"
        assert kpi(page, "held") == "5"
        assert kpi(page, "completion") == "71%"
        assert kpi(page, "rating") == "4.0 ★"
        assert kpi(page, "clients") == "2 / 1"
        assert "1 Oct 2026 to 31 Oct 2026" in page
        assert page.count("data-figure=") == 6  # every chart of the page has something to draw
        assert 'name="viewport"' in page
        assert "plotly-" in page
        assert "cdn" not in page.lower()

    async def test_a_period_filter_changes_the_numbers(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        this_month = (await browser.get("/dashboard", params={"period": "this month"})).text
        assert kpi(this_month, "revenue") == "£0.00"
        assert "No payments in this period." in this_month
        assert "1 Nov 2026 to 30 Nov 2026" in this_month

    async def test_a_service_filter_narrows_money_and_sessions(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        one = {**OCTOBER, "service": str(hub.month.service.id)}
        page = (await browser.get("/dashboard", params=one)).text
        assert kpi(page, "revenue") == "£150.50"  # the ad-hoc invoice has no service
        assert "Money and sessions are for Love reading only" in page

    async def test_arabic_readers_get_the_page_right_to_left(self, database_url: str) -> None:
        async with dashboard_hub(database_url, samia_languages=["ar"]) as hub:
            browser = await hub.signed_in(Role.READER, hub.samia.id)
            page = (await browser.get("/dashboard", params=OCTOBER)).text
        assert '<html lang="ar" dir="rtl">' in page
        assert "صافي الإيرادات" in page
        assert "نتائج الجلسات" in page
        assert "180.50" in kpi(page, "revenue")
        assert "English" in page  # the switch to the other language

    async def test_the_language_switch_keeps_the_filters(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        page = (await browser.get("/dashboard", params={**OCTOBER, "lang": "ar"})).text
        assert 'dir="rtl"' in page
        assert "custom=2026-10" in page
        assert "lang=en" in page


class TestBadInput:
    async def test_an_unknown_period_says_so_and_shows_this_month(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        answer = await browser.get("/dashboard", params={"custom": "the blue moon"})
        assert answer.status_code == 400
        assert "“the blue moon” is not a period I know" in answer.text
        assert "Showing this month instead." in answer.text

    async def test_a_future_period_says_it_has_not_started(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        answer = await browser.get("/dashboard", params={"custom": "2027-01"})
        assert answer.status_code == 400
        assert "2027-01 has not started yet" in answer.text

    async def test_a_reader_with_no_sessions_yet_is_told_so_not_shown_empty_charts(
        self, hub: DashboardHub
    ) -> None:
        browser = await hub.signed_in(Role.READER, hub.rose.id)
        page = (await browser.get("/dashboard")).text
        assert "No sessions yet. Your figures appear here after your first booking." in page
        assert "data-figure=" not in page
        assert page.count('class="empty"') == 7  # each chart says why it is not there

    async def test_a_service_that_is_not_a_uuid_is_a_clear_404(self, hub: DashboardHub) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        answer = await browser.get("/dashboard", params={"service": "tarot"})
        assert answer.status_code == 404
        assert "not one of yours" in answer.text

    async def test_a_bad_period_in_an_export_is_a_400_with_the_reason(
        self, hub: DashboardHub
    ) -> None:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        answer = await browser.get("/dashboard/export/revenue.csv", params={"custom": "2099"})
        assert answer.status_code == 400
        assert "has not started yet" in answer.text


class TestCsv:
    async def get(self, hub: DashboardHub, table: str, **params: str) -> list[list[str]]:
        browser = await hub.signed_in(Role.READER, hub.samia.id)
        answer = await browser.get(f"/dashboard/export/{table}.csv", params={**OCTOBER, **params})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.headers["content-disposition"].startswith("attachment; filename=")
        return rows(answer.text)

    async def test_revenue_by_day_is_net_of_refunds_on_local_days(self, hub: DashboardHub) -> None:
        table = await self.get(hub, "revenue")
        assert table[0] == ["day", "currency", "net"]
        days = {day: net for day, _, net in table[1:]}
        assert len(days) == 31
        assert days["2026-10-01"] == "60.00"
        assert days["2026-10-20"] == "30.50"
        assert days["2026-10-25"] == "60.00"
        assert days["2026-10-31"] == "30.00"
        assert days["2026-10-02"] == "0.00"

    async def test_revenue_by_service_sessions_and_ratings(self, hub: DashboardHub) -> None:
        assert await self.get(hub, "revenue-by-service") == [
            ["service", "currency", "net"],
            ["Love reading", "GBP", "150.50"],
            ["No service (invoice)", "GBP", "30.00"],
        ]
        assert await self.get(hub, "sessions") == [
            ["outcome", "sessions"],
            ["completed", "5"],
            ["no_show", "1"],
            ["cancelled", "1"],
            ["upcoming", "0"],
        ]
        assert await self.get(hub, "ratings") == [
            ["stars", "ratings"], ["1", "0"], ["2", "0"], ["3", "1"], ["4", "0"], ["5", "1"]
        ]  # fmt: skip

    async def test_peak_hours_cohorts_and_comments(self, hub: DashboardHub) -> None:
        assert await self.get(hub, "peak-hours") == [
            ["weekday", "hour", "sessions"],
            ["2", "9", "1"],
            ["3", "0", "1"],
            ["4", "23", "1"],
            ["6", "0", "1"],
            ["6", "1", "1"],
        ]
        cohorts = await self.get(hub, "cohorts")
        assert cohorts[0][:3] == ["month", "clients", "month_1"]
        assert cohorts[-2][:3] == ["2026-09", "1", "1.0000"]
        assert cohorts[-1][:2] == ["2026-10", "2"]
        assert await self.get(hub, "comments") == [
            ["stars", "text", "given_on"],
            ["4", "Clear", "2026-11-01"],
            ["5", "Lovely", "2026-10-25"],
        ]

    async def test_an_export_uses_the_pages_filters(self, hub: DashboardHub) -> None:
        table = await self.get(hub, "revenue-by-service", service=str(hub.month.service.id))
        assert table[1:] == [["Love reading", "GBP", "150.50"]]


class TestAdmin:
    async def test_the_platform_page_the_live_page_and_any_readers_page(
        self, hub: DashboardHub
    ) -> None:
        admin = await hub.signed_in(Role.ADMIN)
        platform = await admin.get("/dashboard", params=OCTOBER)
        assert platform.status_code == 200
        assert "Platform dashboard" in platform.text
        assert "/dashboard/live" in platform.text
        assert "reader=noor" in platform.text  # the admin's way into each reader's page
        noor = await admin.get("/dashboard", params={**OCTOBER, "reader": "noor"})
        assert noor.status_code == 200
        assert "Noor Zahra" in noor.text
        assert NOOR_NET in noor.text
        live = await admin.get("/dashboard/live")
        assert live.status_code == 200
        assert 'http-equiv="refresh"' in live.text

    async def test_every_platform_and_live_table_exports(self, hub: DashboardHub) -> None:
        admin = await hub.signed_in(Role.ADMIN)
        for table in (
            "growth", "active-clients", "revenue-by-kind", "revenue-by-country",
            "clients-by-country", "popularity", "churn", "webhooks", "outbox",
        ):  # fmt: skip
            answer = await admin.get(f"/dashboard/export/{table}.csv", params=OCTOBER)
            assert answer.status_code == 200, (table, answer.text)
        popular = rows((await admin.get("/dashboard/export/popularity.csv", params=OCTOBER)).text)
        assert ["Love reading", SAMIA_BRAND, "5"] in popular
        reader_table = await admin.get("/dashboard/export/sessions.csv", params=OCTOBER)
        assert reader_table.status_code == 404
        assert "reader=" in reader_table.text
        noor = await admin.get(
            "/dashboard/export/revenue.csv", params={**OCTOBER, "reader": "noor"}
        )
        assert ["2026-10-14", "AED", NOOR_NET] in rows(noor.text)
