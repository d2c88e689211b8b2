"""`GET, POST /unsubscribe/{token}`: the link in our emails that stops every offer at once.

The token is `<client id hex>.<tag>`, the tag an HMAC-SHA256 of the id under a key
derived from the hub's secret key, so the link needs no database row, opens nothing but
this one client's opt-out, and keeps working as long as the secret does (an unsubscribe
link must not expire). A bad or forged token changes nothing and says so (400). POST is
RFC 8058's one-click unsubscribe (`List-Unsubscribe-Post`), answered the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import html
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse

from bots.language import is_rtl, page_language, translator
from bots.language.messages_audience import AudienceMsg as Msg
from domain.crm.client_preferences import EMAIL_LINK_SOURCE, set_marketing
from domain.errors import NotFound
from hub.runtime import Runtime
from hub.secrets import secret_key_material
from hub.settings import Settings

__all__ = ("UnsubscribeLinks", "router", "unsubscribe_links")

_CONTEXT = b"samia-unsubscribe-v1"
_TAG_HEX = 32  # 128 bits of the tag: no guessing, and a link that stays short


class UnsubscribeLinks:
    """Makes and checks unsubscribe tokens under one secret."""

    def __init__(self, secret: bytes, *, public_url: str = "http://127.0.0.1:8000") -> None:
        """Derive this purpose's own key, so a tag reveals nothing of `secret`."""
        self._key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
        self._public_url = public_url.rstrip("/")

    def token(self, client_id: UUID) -> str:
        """The client's token (the same every time)."""
        return f"{client_id.hex}.{self._tag(client_id)}"

    def url(self, client_id: UUID) -> str:
        """The absolute link under SAMIA_PUBLIC_URL."""
        return f"{self._public_url}/unsubscribe/{self.token(client_id)}"

    def client_of(self, token: str) -> UUID | None:
        """The client a token was made for, or None for anything this hub did not make."""
        hex_id, _, tag = token.partition(".")
        if len(tag) != _TAG_HEX or len(hex_id) != 32:
            return None
        try:
            client_id = UUID(hex=hex_id)
        except ValueError:
            return None
        expected = self._tag(client_id).encode()
        return client_id if hmac.compare_digest(tag.encode("ascii", "replace"), expected) else None

    def _tag(self, client_id: UUID) -> str:
        return hmac.new(self._key, client_id.bytes, hashlib.sha256).hexdigest()[:_TAG_HEX]


def unsubscribe_links(settings: Settings) -> UnsubscribeLinks:
    """The hub's links: its secret key, under its public URL."""
    return UnsubscribeLinks(secret_key_material(settings), public_url=settings.public_url)


def router(settings: Settings) -> APIRouter:
    """The page the link opens, and the one-click POST."""
    routes = APIRouter(include_in_schema=False)
    links = unsubscribe_links(settings)

    async def unsubscribe(
        token: str, request: Request, accept_language: str | None
    ) -> HTMLResponse:
        runtime: Runtime = request.app.state.runtime
        language = page_language(["en"], accept_language)
        client_id = links.client_of(token)
        if client_id is not None:
            try:
                await set_marketing(
                    uow=runtime.database.uows(), clock=runtime.clock, client_id=client_id,
                    granted=False, source=EMAIL_LINK_SOURCE,
                )  # fmt: skip
            except NotFound:  # erased, or a token from another database: nothing to stop
                client_id = None
        if client_id is None:
            return _page(Msg.UNSUBSCRIBE_BAD_TITLE, Msg.UNSUBSCRIBE_BAD_BODY, language, 400)
        return _page(Msg.UNSUBSCRIBED_TITLE, Msg.UNSUBSCRIBED_BODY, language, 200)

    @routes.get("/unsubscribe/{token}", response_class=HTMLResponse)
    async def open_link(
        token: str, request: Request, accept_language: Annotated[str | None, Header()] = None
    ) -> HTMLResponse:
        return await unsubscribe(token, request, accept_language)

    @routes.post("/unsubscribe/{token}", response_class=HTMLResponse)
    async def one_click(
        token: str, request: Request, accept_language: Annotated[str | None, Header()] = None
    ) -> HTMLResponse:
        return await unsubscribe(token, request, accept_language)

    return routes


def _page(title: Msg, body: Msg, language: str, status: int) -> HTMLResponse:
    """A small page in the reader's language, right to left for Arabic."""
    t = translator(language).gettext
    direction = "rtl" if is_rtl(language) else "ltr"
    heading, text = html.escape(t(title)), html.escape(t(body))
    page = (
        f'<!doctype html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{heading}</title></head><body><h1>{heading}</h1><p>{text}</p></body></html>"
    )
    return HTMLResponse(page, status_code=status, headers={"Content-Language": language})
