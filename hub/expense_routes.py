"""`GET /api/v1/expenses/{id}/receipt`: an expense's receipt (admin, or a signed link).

The reader's `expenses` list in chat links each receipt with a link signed for that one
expense (`hub.signed_links`, the invoices' signer); the admin's bearer token opens any.
The file is served under the type its bytes proved when it was stored, never sniffed
again by the browser (`nosniff`), and shown inline with a name for saving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from domain.billing.receipts import receipt_of
from domain.clock import Clock
from domain.errors import NotFound
from hub.api import admin_guard
from hub.link_guard import API_PREFIX, admin_or_link, document_id, inline_file_response
from hub.settings import Settings
from hub.signed_links import LinkSigner, links_to

if TYPE_CHECKING:
    from hub.runtime import Runtime

_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}


def receipt_path(expense_id: UUID) -> str:
    """The app's own path of an expense's receipt: what links are signed over."""
    return f"{API_PREFIX}/expenses/{expense_id}/receipt"


def receipt_link(links: LinkSigner, clock: Clock) -> Callable[[UUID], str]:
    """Signed absolute links to receipts."""
    return links_to(links, clock, receipt_path)


def router(settings: Settings) -> APIRouter:
    """The receipt route, mounted under /api/v1 beside the rest of the API."""
    routes = APIRouter()
    require_admin = admin_guard(settings)

    opened = admin_or_link(require_admin, param="expense_id", path_of=receipt_path, what="receipt")

    @routes.get(
        "/expenses/{expense_id}/receipt",
        response_class=Response,
        responses={200: {"content": {t: {} for t in _EXTENSIONS}}},
        dependencies=[Depends(opened)],
    )
    async def expense_receipt(expense_id: str, request: Request) -> Response:
        """The receipt photo or PDF, for the admin's bearer token or a link signed for it."""
        runtime: Runtime = request.app.state.runtime
        wanted = document_id(expense_id, "expense")
        try:
            found = await receipt_of(uow=runtime.database.uows(read_only=True), expense_id=wanted)
        except NotFound as missing:
            raise HTTPException(404, str(missing)) from None
        name = found.filename or f"receipt-{wanted}.{_EXTENSIONS.get(found.content_type, 'bin')}"
        return inline_file_response(found.content, found.content_type, name)

    return routes
