"""The dashboard's session cookie: who signed in (role, reader) and until when, signed.

The value is `role.reader.exp.tag`, the tag the hub's `LinkSigner` makes over a text that
no document path can equal (paths start with "/"), under the hub's secret key. Nothing is
stored server side: a cookie is good until its expiry (12 hours) or until the secret key
changes; signing out deletes it from the browser. HttpOnly (no script reads it),
SameSite=Lax (no other site's form posts with it), Secure when the hub is served on https.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response

from domain.analytics.dashboard_access import SESSION_LIFETIME, DashboardGrant
from domain.enums import Role
from hub.signed_links import LinkSigner

COOKIE = "samia_dashboard"
_PURPOSE = "dashboard-session"
_NO_READER = "-"


def _signed_text(role: str, reader: str) -> str:
    return f"{_PURPOSE}:{role}:{reader}"


def cookie_value(links: LinkSigner, grant: DashboardGrant) -> str:
    """The signed cookie value for a session."""
    reader = str(grant.reader_id) if grant.reader_id else _NO_READER
    query = parse_qs(
        links.sign(_signed_text(grant.role.value, reader), expires_at=grant.expires_at)
    )
    return f"{grant.role.value}.{reader}.{query['exp'][0]}.{query['sig'][0]}"


def read_grant(links: LinkSigner, value: str | None, *, now: datetime) -> DashboardGrant | None:
    """The session a cookie proves, or None for a missing, forged or expired one."""
    if not value or value.count(".") != 3:
        return None
    role, reader, exp, sig = value.split(".")
    if not links.verify(_signed_text(role, reader), exp, sig, now=now):
        return None
    try:
        grant_role = Role(role)
        reader_id = None if reader == _NO_READER else UUID(reader)
        return DashboardGrant(grant_role, reader_id, datetime.fromtimestamp(int(exp), UTC))
    except ValueError:
        return None  # signed by us, so never expected; refused all the same


def current_grant(request: Request) -> DashboardGrant | None:
    """The signed-in dashboard session of a request, if any."""
    runtime = request.app.state.runtime
    return read_grant(runtime.links, request.cookies.get(COOKIE), now=runtime.clock.now())


def set_cookie(
    response: Response, links: LinkSigner, grant: DashboardGrant, *, secure: bool
) -> None:
    """Attach the session cookie (whole site: the JSON API reads it too)."""
    response.set_cookie(
        COOKIE,
        cookie_value(links, grant),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, *, secure: bool) -> None:
    """Forget the session in this browser."""
    response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="lax")


def is_secure(public_url: str) -> bool:
    """Whether cookies must be Secure: the hub is reached over https."""
    return public_url.lower().startswith("https://")


__all__ = (
    "COOKIE",
    "clear_cookie",
    "cookie_value",
    "current_grant",
    "is_secure",
    "read_grant",
    "set_cookie",
)
