"""The web chat pages: the platform's `/chat` and each reader's branded `/r/{slug}`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bots.language import is_rtl, page_language
from hub import api

WEB = Path(__file__).with_name("web")
_TEMPLATES = Environment(loader=FileSystemLoader(WEB), autoescape=select_autoescape(["html"]))
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#4b2a7b", "#d4a84b"


def router() -> APIRouter:
    """The two pages; a reader's opens in the reader's language unless the browser asks not."""
    pages = APIRouter(include_in_schema=False)

    @pages.get("/chat", response_class=HTMLResponse)
    async def chat_page(
        accept_language: Annotated[str | None, Header()] = None,
    ) -> HTMLResponse:
        language = page_language(["en"], accept_language)
        html = page(title="Samia", greeting="", language=language)
        return _html(html, language)

    @pages.get("/r/{slug}", response_class=HTMLResponse)
    async def reader_page(
        slug: str, request: Request, accept_language: Annotated[str | None, Header()] = None
    ) -> HTMLResponse:
        reader = await api.reader_by_slug(request.app.state.runtime, slug)
        if reader is None:
            raise HTTPException(404, "no such reader")
        language = page_language(reader.languages, accept_language)
        html = page(
            title=reader.brand,
            greeting=reader.greeting or "",
            primary=reader.brand_primary_color or DEFAULT_PRIMARY,
            accent=reader.brand_accent_color or DEFAULT_ACCENT,
            reader=reader.name,
            language=language,
        )
        return _html(html, language)

    return pages


def _html(html: str, language: str) -> HTMLResponse:
    """The page says which language it chose, and caches know the header decided it."""
    return HTMLResponse(html, headers={"Content-Language": language, "Vary": "Accept-Language"})


def page(
    *,
    title: str,
    greeting: str,
    language: str,
    primary: str = DEFAULT_PRIMARY,
    accent: str = DEFAULT_ACCENT,
    reader: str = "",
) -> str:
    """The chat page with the reader's branding; autoescaped, colours validated for CSS."""
    return _TEMPLATES.get_template("chat.html").render(
        title=title,
        greeting=greeting,
        primary=primary if _COLOUR.match(primary) else DEFAULT_PRIMARY,
        accent=accent if _COLOUR.match(accent) else DEFAULT_ACCENT,
        reader=reader,
        language=language,
        rtl=is_rtl(language),
    )


__all__ = ("page", "router")
