"""Who may open a document route: the admin's bearer token, or a link signed for it.

Shared by the invoice PDF, payout statement, report CSV and receipt routes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import Header, HTTPException, Request
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


def admin_or_link(
    require_admin: Callable[..., None], *, param: str, path_of: Callable[[UUID], str], what: str
) -> Callable[..., UUID]:
    """A route dependency: the document id in path parameter `param`, once the request
    carries the admin token or a link signed for that document (`require_admin_or_link`)."""

    def guard(
        request: Request,
        exp: str | None = None,
        sig: str | None = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> UUID:
        wanted = document_id(request.path_params[param], what)
        require_admin_or_link(
            request.app.state.runtime,
            require_admin,
            authorization=authorization,
            signed=path_of(wanted),
            exp=exp,
            sig=sig,
            what=what,
        )
        return wanted

    return guard


def document_id(value: str, what: str) -> UUID:
    """The id in a document's path; anything else is a 404, like an unknown id."""
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(404, f"no such {what}") from None


def inline_file_response(content: bytes, content_type: str, filename: str) -> Response:
    """A stored file (a receipt, a chart) shown inline, named for saving, kept private.

    The type is the one proved when the file was stored; `nosniff` stops a browser from
    guessing another. The name goes RFC 5987-encoded, so any name is safe in the header.
    """
    disposition = f"inline; filename*=UTF-8''{quote(filename)}"
    headers = {**PRIVATE_DOCUMENT, "Content-Disposition": disposition}
    return Response(content, media_type=content_type, headers=headers)


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF shown in the browser, named for saving, with the private document headers."""
    headers = {**PRIVATE_DOCUMENT, "Content-Disposition": f'inline; filename="{filename}"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
