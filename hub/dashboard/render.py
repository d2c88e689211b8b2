"""How the dashboard's pages are rendered: templates, brand colours, security headers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain.models import Reader
from hub.dashboard import assets, plots
from hub.dashboard.strings import text
from hub.pages import DEFAULT_ACCENT, DEFAULT_PRIMARY

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
)
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Everything is served by the hub itself; plotly sets inline styles on its charts.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'",
}


def look_for(reader: Reader | None, language: str) -> plots.Look:
    """The page's direction and the reader's brand colours (checked: they go into CSS)."""
    primary = reader.brand_primary_color if reader else None
    accent = reader.brand_accent_color if reader else None
    return plots.Look(
        rtl=language == "ar",
        primary=primary if primary and _COLOUR.match(primary) else DEFAULT_PRIMARY,
        accent=accent if accent and _COLOUR.match(accent) else DEFAULT_ACCENT,
    )


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A template with the security headers; `look` sets direction and colours."""
    language = context["language"]
    look: plots.Look = context.pop("look", None) or look_for(None, language)
    html = _TEMPLATES.get_template(name).render(
        t=lambda key, **params: text(language, key, **params),
        rtl=look.rtl,
        primary=look.primary,
        accent=look.accent,
        static=assets.urls(),
        plotly_config=plots.CONFIG,
        **context,
    )
    headers = HEADERS | {"Content-Language": language}
    return HTMLResponse(html, status_code=status, headers=headers)


def message(language: str, status: int, key: str, *, back: bool, lines: list[str]) -> HTMLResponse:
    """A page that says one thing: a refusal, how to sign in, signed out."""
    return render(
        "message.html",
        status,
        language=language,
        title=text(language, "dashboard"),
        heading=text(language, key),
        lines=lines,
        kind=key,
        back="/dashboard" if back else None,
        nav=None,
        other_language_href=None,
        signed_in=False,
        refresh=None,
        body_class="message",
    )


def how_to_sign_in(language: str) -> list[str]:
    """The two ways to get a sign-in link."""
    return [text(language, "signin_reader"), text(language, "signin_admin")]


def plain(status: int, said: str) -> Response:
    """A one-line text answer (the CSV routes' refusals)."""
    return Response(
        said + "\n", status_code=status, media_type="text/plain; charset=utf-8", headers=HEADERS
    )


__all__ = ("HEADERS", "how_to_sign_in", "look_for", "message", "plain", "render")
