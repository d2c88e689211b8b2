"""One-time dashboard sign-in links as absolute URLs under SAMIA_PUBLIC_URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from domain.analytics.dashboard_access import issue_link_token
from domain.clock import Clock
from domain.enums import Role
from domain.ports.storage import UnitOfWorkFactory


def login_url(public_url: str, token: str) -> str:
    """Where a token signs in: `GET /dashboard/login/<token>`."""
    return f"{public_url.rstrip('/')}/dashboard/login/{token}"


def dashboard_link(
    uows: UnitOfWorkFactory, clock: Clock, public_url: str
) -> Callable[[Role, UUID], Awaitable[str]]:
    """What the chat calls for a link: a reader's own figures, or the platform for an admin."""

    async def link(role: Role, person_id: UUID) -> str:
        reader_id = person_id if role is Role.READER else None
        token = await issue_link_token(uow=uows(), clock=clock, role=role, reader_id=reader_id)
        return login_url(public_url, token)

    return link


__all__ = ("dashboard_link", "login_url")
