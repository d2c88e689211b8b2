"""`/dashboard`: a reader's figures or the platform's, server-rendered, behind a one-time link.

- `GET /dashboard/login/{token}` uses a link once, sets the session cookie, goes to the page;
- `GET /dashboard` is the signed-in reader's page, or the admin's platform page (an admin
  adds `?reader=<slug>` to open any reader's); signed out, it says how to get a link;
- `GET /dashboard/live` is the admin's real-time page;
- `GET /dashboard/export/<table>.csv` is any table of those pages, with the same filters;
- `POST /dashboard/logout` forgets the session in this browser.

Filters: `period` (a preset), `custom` (typed: "2026-10", "last 30 days"), `service` (one of
the reader's), `lang` (en or ar). A reader's session never reaches another reader's
figures, nor the platform's: whatever the parameters, those answers are 403 or 404.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bots.language import page_language
from domain.analytics.dashboard import (
    PeriodAsk,
    PeriodProblem,
    PeriodRefused,
    ReaderFigures,
    live_page,
    platform_page,
    reader_figures,
    readers_list,
)
from domain.analytics.dashboard_access import DashboardGrant, LinkRefusal, LinkRefused
from domain.analytics.dashboard_access import consume_link_token as consume
from domain.billing.ledger_views import find_reader
from domain.errors import NotFound
from domain.models import Reader
from hub.dashboard import platform_views, views
from hub.dashboard.filters import Filters, filter_form, query_string
from hub.dashboard.render import HEADERS, how_to_sign_in, look_for, message, plain, render
from hub.dashboard.session import clear_cookie, current_grant, is_secure, set_cookie
from hub.dashboard.strings import language_of, text
from hub.dashboard.tables import LIVE_TABLES, READER_TABLES, DashboardTable, Table
from hub.report_csv import CSV_TYPE
from hub.settings import Settings

# Link previews (Slack, Telegram, Messenger, WhatsApp, iMessage) fetch a pasted URL: they
# must not use up the one-time link the person is about to open.
_PREVIEW_BOTS = re.compile(
    r"slackbot|telegrambot|facebookexternalhit|whatsapp|twitterbot|discordbot|linkedinbot|"
    r"skypeuripreview|applebot|embedly|bingpreview|googlebot",
    re.IGNORECASE,
)


class Refusal(Exception):
    """An answer other than the page: a status and the message page that explains it."""

    def __init__(self, status: int, key: str, *, back: bool = True) -> None:
        """Keep what the message page says."""
        super().__init__(key)
        self.status, self.key, self.back = status, key, back


async def _subject(request: Request, grant: DashboardGrant, ref: str) -> Reader | None:
    """Whose figures: the reader's own, or for an admin the reader named (None: platform)."""
    runtime = request.app.state.runtime
    if grant.is_admin and not ref:
        return None
    async with runtime.database.uows(read_only=True) as uow:
        try:
            reader = await find_reader(uow, ref or str(grant.reader_id))
        except NotFound:
            reader = None
    if not grant.is_admin and (reader is None or reader.id != grant.reader_id):
        raise Refusal(403, "forbidden")  # a reader never learns whether another one exists
    if reader is None:
        raise Refusal(404, "unknown_reader")
    return reader


def _service_id(value: str) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise Refusal(404, "unknown_service") from None


async def _reader_figures(
    request: Request, reader: Reader, q: Filters
) -> tuple[ReaderFigures, str | None]:
    """The figures, or this month's with the reason when the period asked cannot be shown."""
    runtime = request.app.state.runtime
    kwargs = {"uows": runtime.database.uows, "clock": runtime.clock, "reader_id": reader.id}
    service = _service_id(q.service)
    try:
        return await reader_figures(**kwargs, ask=q.ask(), service_id=service), None
    except PeriodRefused as refused:
        notice = _period_notice(refused, _language(q, reader, None))
        return await reader_figures(**kwargs, ask=PeriodAsk(), service_id=service), notice
    except NotFound:
        raise Refusal(404, "unknown_service") from None


def _period_notice(refused: PeriodRefused, language: str) -> str:
    keys = {
        PeriodProblem.UNKNOWN: "bad_period",
        PeriodProblem.FUTURE: "future_period",
        PeriodProblem.BACKWARDS: "backwards_period",
        PeriodProblem.TOO_LONG: "long_period",
    }
    said = text(language, keys[refused.problem], period=refused.asked)
    return f"{said} {text(language, 'showing_instead')}"


def _language(q: Filters, reader: Reader | None, accept_language: str | None) -> str:
    """`?lang=` if given, else the reader's first language, else the browser's (admins)."""
    if q.lang:
        return language_of(q.lang)
    if reader is not None:
        return language_of(reader.languages[0] if reader.languages else "en")
    return page_language(["en"], accept_language)


def _frame(
    q: Filters, language: str, page: views.Page, grant: DashboardGrant, path: str
) -> dict[str, Any]:
    """What every page's header and filters need."""
    other = "en" if language == "ar" else "ar"
    nav = [
        (
            text(language, "dashboard" if not grant.is_admin else "platform"),
            "/dashboard" + query_string({"lang": q.lang or ""}),
            page.kind != "live" and not q.reader,
        )
    ]
    if grant.is_admin:
        nav.append(
            (
                text(language, "live"),
                "/dashboard/live" + query_string({"lang": q.lang or ""}),
                page.kind == "live",
            )
        )
    return {
        "language": language,
        "title": page.title,
        "page": page,
        "look": page.look,
        "nav": nav,
        "signed_in": True,
        "body_class": page.kind,
        "csv_query": query_string(q.kept()),
        "other_language_href": path + query_string(q.kept(lang=other)),
        "refresh": 30 if page.kind == "live" else None,
    }


async def _page(
    request: Request, grant: DashboardGrant, q: Filters, accept: str | None
) -> tuple[views.Page, dict[str, Any], bool]:
    """The page a signed-in person asked for, its filter form, whether the period was refused."""
    runtime = request.app.state.runtime
    reader = await _subject(request, grant, q.reader)
    if reader is None:
        language = _language(q, None, accept)
        notice = None
        try:
            figures = await platform_page(
                uows=runtime.database.uows, clock=runtime.clock, ask=q.ask()
            )
        except PeriodRefused as refused:
            notice = _period_notice(refused, language)
            figures = await platform_page(
                uows=runtime.database.uows, clock=runtime.clock, ask=PeriodAsk()
            )
        readers = await readers_list(uows=runtime.database.uows)
        page = platform_views.platform_page(
            figures,
            readers,
            language,
            look_for(None, language),
            q.kept(reader=""),
            runtime.settings.default_currency,
        )
        page.notices[:0] = [notice] if notice else []
        return page, filter_form(q, language, []), notice is not None
    found, notice = await _reader_figures(request, reader, q)
    language = _language(q, reader, accept)
    page = views.reader_page(found, language, look_for(reader, language))
    page.notices[:0] = [notice] if notice else []
    if grant.is_admin:
        page.title = text(language, "reader_of", name=reader.brand)
    services = [(str(s.id), s.name) for s in found.services]
    return page, filter_form(q, language, services), notice is not None


def router(settings: Settings) -> APIRouter:
    """The dashboard's routes (not in the OpenAPI schema: they answer HTML and CSV)."""
    routes = APIRouter(include_in_schema=False)
    secure = is_secure(settings.public_url)

    @routes.get("/dashboard/login/{token}")
    async def login(
        token: str,
        request: Request,
        user_agent: Annotated[str | None, Header()] = None,
        accept_language: Annotated[str | None, Header()] = None,
    ) -> Response:
        language = page_language(["en"], accept_language)
        if user_agent and _PREVIEW_BOTS.search(user_agent):
            return message(
                language, 200, "signin_title", back=False, lines=[text(language, "preview")]
            )
        runtime = request.app.state.runtime
        try:
            grant = await consume(uow=runtime.database.uows(), clock=runtime.clock, token=token)
        except LinkRefused as refused:
            key = {LinkRefusal.EXPIRED: "link_expired", LinkRefusal.USED: "link_used"}
            status = 410 if refused.reason is not LinkRefusal.UNKNOWN else 404
            lines = [text(language, "new_link"), *how_to_sign_in(language)]
            return message(
                language, status, key.get(refused.reason, "link_unknown"), back=False, lines=lines
            )
        response = RedirectResponse("/dashboard", status_code=303, headers=HEADERS)
        set_cookie(response, runtime.links, grant, secure=secure)
        return response

    @routes.post("/dashboard/logout")
    async def logout(accept_language: Annotated[str | None, Header()] = None) -> Response:
        language = page_language(["en"], accept_language)
        response = message(language, 200, "signed_out", back=False, lines=how_to_sign_in(language))
        clear_cookie(response, secure=secure)
        return response

    @routes.get("/dashboard", response_class=HTMLResponse)
    async def dashboard(
        request: Request, accept_language: Annotated[str | None, Header()] = None
    ) -> Response:
        q = Filters(request)
        grant = current_grant(request)
        language = language_of(q.lang) if q.lang else page_language(["en"], accept_language)
        if grant is None:
            return message(
                language, 401, "signin_title", back=False, lines=how_to_sign_in(language)
            )
        try:
            page, filters, refused = await _page(request, grant, q, accept_language)
        except Refusal as refusal:
            return message(language, refusal.status, refusal.key, back=refusal.back, lines=[])
        frame = _frame(q, page.language, page, grant, "/dashboard")
        return render("page.html", 400 if refused else 200, filters=filters, **frame)

    @routes.get("/dashboard/live", response_class=HTMLResponse)
    async def live(
        request: Request, accept_language: Annotated[str | None, Header()] = None
    ) -> Response:
        q = Filters(request)
        grant = current_grant(request)
        language = language_of(q.lang) if q.lang else page_language(["en"], accept_language)
        if grant is None:
            return message(
                language, 401, "signin_title", back=False, lines=how_to_sign_in(language)
            )
        if not grant.is_admin:
            return message(language, 403, "admins_only", back=True, lines=[])
        runtime = request.app.state.runtime
        figures = await live_page(uows=runtime.database.uows, clock=runtime.clock)
        page = platform_views.live_page(figures, language, look_for(None, language))
        return render(
            "page.html", filters=None, **_frame(q, language, page, grant, "/dashboard/live")
        )

    @routes.get("/dashboard/export/{name}.csv")
    async def export(name: str, request: Request) -> Response:
        q = Filters(request)
        grant = current_grant(request)
        if grant is None:
            return plain(401, 'sign in first: type "dashboard" in your chat for a link')
        try:
            wanted = DashboardTable(name)
        except ValueError:
            return plain(404, f"no table {name!r}")
        try:
            table = await _table(request, grant, q, wanted)
        except Refusal as refusal:
            return plain(refusal.status, text("en", refusal.key))
        except PeriodRefused as refused:
            return plain(400, str(refused))
        except NotFound:
            return plain(404, text("en", "unknown_service"))
        headers = HEADERS | {
            "Content-Disposition": f'attachment; filename="{_filename(q, wanted)}"'
        }
        return Response(table.csv(), media_type=CSV_TYPE, headers=headers)

    return routes


async def _table(
    request: Request, grant: DashboardGrant, q: Filters, wanted: DashboardTable
) -> Table:
    """One table of a page, computed exactly as the page computes it."""
    runtime = request.app.state.runtime
    if wanted in LIVE_TABLES:
        if not grant.is_admin:
            raise Refusal(403, "admins_only")
        figures = await live_page(uows=runtime.database.uows, clock=runtime.clock)
        page = platform_views.live_page(figures, "en", look_for(None, "en"))
    else:
        if not grant.is_admin and wanted not in READER_TABLES:
            raise Refusal(403, "admins_only")
        reader = await _subject(request, grant, q.reader)
        if (reader is None) == (wanted in READER_TABLES):
            raise Refusal(404, "pick_reader" if reader is None else "platform_table")
        ask = q.ask()
        if reader is None:
            figures_ = await platform_page(uows=runtime.database.uows, clock=runtime.clock, ask=ask)
            page = platform_views.platform_page(
                figures_, [], "en", look_for(None, "en"), {}, runtime.settings.default_currency
            )
        else:
            found = await reader_figures(
                uows=runtime.database.uows,
                clock=runtime.clock,
                reader_id=reader.id,
                ask=ask,
                service_id=_service_id(q.service),
            )
            page = views.reader_page(found, "en", look_for(reader, "en"))
    for section in page.sections:
        if section.table is not None and section.table.name is wanted:
            return section.table
    raise Refusal(404, "no_data")


def _filename(q: Filters, wanted: DashboardTable) -> str:
    parts = [q.reader or "", wanted.value, q.custom or q.period or "this-month"]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(p for p in parts if p)).strip("-") + ".csv"


__all__ = ("router",)
