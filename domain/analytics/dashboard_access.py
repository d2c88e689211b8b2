"""Who may see which dashboard: one-time sign-in links and what a signed-in session holds.

A person asks for a link in their chat ("dashboard") or an operator runs `samia admin
login-link`; the link carries a random token (only its SHA-256 is stored), works once and
for ten minutes, and turns into a session of twelve hours for that reader's figures only,
or for the platform's when it was an admin's. Using a link is one conditional UPDATE, so
two tabs opening the same link cannot both get a session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.clock import Clock
from domain.enums import Role
from domain.errors import AccessDenied, InvalidRequest, NotFound
from domain.ports.dashboard import DashboardLinkRecord
from domain.ports.storage import UnitOfWork

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=12)
_TOKEN_BYTES = 32  # 43 URL-safe characters: not guessable within ten minutes, or ever


class LinkRefusal(StrEnum):
    """Why a presented link gave no session; each has its own way forward."""

    UNKNOWN = "unknown"  # never issued here (mistyped, or from another hub)
    EXPIRED = "expired"
    USED = "used"


class LinkRefused(AccessDenied):
    """A sign-in link that cannot be used; `reason` says which way forward to offer."""

    def __init__(self, reason: LinkRefusal) -> None:
        """Keep the reason; the detail is for logs and the API, not for people."""
        super().__init__(f"dashboard link {reason.value}", reason=reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DashboardGrant:
    """What a signed-in dashboard session may see: one reader's figures, or the platform."""

    role: Role  # READER or ADMIN
    reader_id: UUID | None  # the reader's own id; None for an admin
    expires_at: datetime

    def __post_init__(self) -> None:
        """A reader grant names its reader; an admin grant names none."""
        if self.role is Role.READER and self.reader_id is None:
            raise ValueError("a reader's dashboard session needs the reader's id")
        if self.role is Role.ADMIN and self.reader_id is not None:
            raise ValueError("an admin's dashboard session names no reader")
        if self.role not in (Role.READER, Role.ADMIN):
            raise ValueError("only readers and admins have a dashboard")

    @property
    def is_admin(self) -> bool:
        """Whether this session sees the platform (and any reader)."""
        return self.role is Role.ADMIN

    def may_see(self, reader_id: UUID) -> bool:
        """Whether this session may read that reader's figures."""
        return self.is_admin or self.reader_id == reader_id


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, so a database leak opens nothing."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


async def issue_link_token(
    *, uow: UnitOfWork, clock: Clock, role: Role, reader_id: UUID | None = None
) -> str:
    """A new one-time token for a reader's dashboard or the admin's; only its hash is kept."""
    if role is Role.READER and reader_id is None:
        raise InvalidRequest("a reader's dashboard link needs the reader")
    if role is Role.ADMIN and reader_id is not None:
        raise InvalidRequest("an admin's dashboard link names no reader")
    if role not in (Role.READER, Role.ADMIN):
        raise InvalidRequest("only readers and admins have a dashboard")
    now = clock.now()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    async with uow:
        if reader_id is not None and await uow.readers.get(reader_id) is None:
            raise NotFound("reader not found")
        await uow.dashboard_links.add(
            DashboardLinkRecord(
                id=uuid4(),
                token_hash=token_hash(token),
                reader_id=reader_id,
                is_admin=role is Role.ADMIN,
                expires_at=now + LINK_LIFETIME,
                created_at=now,
            )
        )
        await uow.commit()
    return token


async def consume_link_token(*, uow: UnitOfWork, clock: Clock, token: str) -> DashboardGrant:
    """Use a link once: the session it grants, or `LinkRefused` saying why not."""
    now = clock.now()
    hashed = token_hash(token)
    async with uow:
        link = await uow.dashboard_links.consume(hashed, now)
        if link is None:
            found = await uow.dashboard_links.find(hashed)
            raise LinkRefused(_refusal(found, now))
        await uow.commit()
    role = Role.ADMIN if link.is_admin else Role.READER
    return DashboardGrant(role, None if link.is_admin else link.reader_id, now + SESSION_LIFETIME)


def _refusal(found: DashboardLinkRecord | None, now: datetime) -> LinkRefusal:
    if found is None:
        return LinkRefusal.UNKNOWN
    if found.used_at is not None:
        return LinkRefusal.USED
    return LinkRefusal.EXPIRED if found.expires_at <= now else LinkRefusal.UNKNOWN


__all__ = (
    "LINK_LIFETIME",
    "SESSION_LIFETIME",
    "DashboardGrant",
    "LinkRefusal",
    "LinkRefused",
    "consume_link_token",
    "issue_link_token",
    "token_hash",
)
