"""Who may open a document route: the admin's bearer token, or a link signed for it.

Shared by the invoice PDF, payout statement and report CSV routes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from fastapi import HTTPException
from fastapi.responses import Response

if TYPE_CHECKING:
    from hub.runtime import Runtime

API_PREFIX = "/api/v1"
# A document opened by a link: never cached by a shared proxy, never leaking its URL.
PRIVATE_DOCUMENT = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def is_admin(require_admin: Callable[..., None], authorization: str | None) -> bool:
    """Whether the request carries the admin token, judged exactly as the admin API does."""
    if authorization is None:
        return False
    try:
        require_admin(authorization)
    except HTTPException:
        return False
    return True


def require_admin_or_link(
    runtime: Runtime,
    require_admin: Callable[..., None],
    *,
    authorization: str | None,
    signed: str,
    exp: str | None,
    sig: str | None,
    what: str,
) -> None:
    """Let the admin or a valid link through: 401/403 without either, 410 once it expired.

    `signed` is the text the link's tag covers (the app's own path, plus any parameters
    that pick the data), rebuilt from the request, never the request's raw URL.
    """
    if is_admin(require_admin, authorization):
        return
    if exp is None and sig is None:
        require_admin(authorization)  # no link either: the admin API's own answer
    now = runtime.clock.now()
    if exp is not None and exp.isdigit() and int(exp) <= now.timestamp():
        # Saying it expired reveals nothing: the expiry is in the link for anyone to read.
        raise HTTPException(410, f"this link has expired: ask for the {what} again in the chat")
    if not runtime.links.verify(signed, exp, sig, now=now):
        raise HTTPException(403, f"this link is not valid for this {what}")


def document_id(value: str, what: str) -> UUID:
    """The id in a document's path; anything else is a 404, like an unknown id."""
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(404, f"no such {what}") from None


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF shown in the browser, named for saving, with the private document headers."""
    headers = {**PRIVATE_DOCUMENT, "Content-Disposition": f'inline; filename="{filename}"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
