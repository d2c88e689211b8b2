"""`GET /api/v1/files/{key}`: a file the hub keeps (a chart), for the admin or a signed link.

Chat replies carry charts by their file-store key and a link signed for that one key
(`hub.signed_links`, the invoices' signer): the web chat shows it as an <img>, and
Messenger and Instagram fetch it (Meta takes images only by a public URL, so for them
SAMIA_PUBLIC_URL must be reachable from the internet); Telegram and Slack get the bytes
uploaded instead. The file is served under the type it was stored with, never sniffed
again by the browser (`nosniff`), inline with a name for saving.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import Response

from domain.clock import Clock
from hub.api import admin_guard
from hub.link_guard import API_PREFIX, PRIVATE_DOCUMENT, require_admin_or_link
from hub.settings import Settings
from hub.signed_links import LinkSigner

if TYPE_CHECKING:
    from hub.runtime import Runtime

_KEY = re.compile(r"[0-9a-f]{64}")


def file_path(key: str) -> str:
    """The app's own path of a stored file: what links are signed over."""
    return f"{API_PREFIX}/files/{key}"


def file_link(links: LinkSigner, clock: Clock) -> Callable[[str], str]:
    """Signed absolute links to stored files, each good for the default week."""

    def link(key: str) -> str:
        return links.url(file_path(key), now=clock.now())

    return link


def router(settings: Settings) -> APIRouter:
    """The file route, mounted under /api/v1 beside the rest of the API."""
    routes = APIRouter()
    require_admin = admin_guard(settings)

    @routes.get(
        "/files/{key}",
        response_class=Response,
        responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "application/pdf": {}}}},
    )
    async def stored_file(
        key: str,
        request: Request,
        exp: str | None = None,
        sig: str | None = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        """A stored file (a chart's PNG), for the admin's bearer token or a link signed for it."""
        runtime: Runtime = request.app.state.runtime
        if not _KEY.fullmatch(key):
            raise HTTPException(404, "no such file")
        require_admin_or_link(
            runtime,
            require_admin,
            authorization=authorization,
            signed=file_path(key),
            exp=exp,
            sig=sig,
            what="file",
        )
        async with runtime.database.uows(read_only=True) as uow:
            found = await uow.files.get(key)
        if found is None:
            raise HTTPException(404, "no such file")
        name = found.filename or f"{key[:12]}.{found.content_type.rpartition('/')[2]}"
        headers = {
            **PRIVATE_DOCUMENT,
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
        }
        return Response(found.content, media_type=found.content_type, headers=headers)

    return routes
