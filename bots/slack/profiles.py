"""Who wrote to us on Slack: name, language and zone from users.info, fetched once an hour.

Slack events carry only a user id. The hub needs a name for a new account and the user's
locale to answer in their language before they have a profile with us, so it asks
`users.info` with `include_locale` (Tier 4, 100+ calls a minute, scope users:read) and
keeps the answer. A failed lookup never holds a reply up: the turn runs without it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.conversations.cache import TtlCache

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SlackProfile:
    """What users.info tells us that the engine uses."""

    display_name: str | None
    locale: str | None  # IETF tag, e.g. "ar-SA"
    timezone: str | None  # IANA zone, e.g. "Asia/Dubai"


NO_PROFILE = SlackProfile(None, None, None)


class SlackProfiles:
    """users.info answers per workspace and user, cached; a failure is not retried for a while."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 3600.0,
        retry_after_failure: float = 60.0,
        wait_seconds: float = 2.0,
    ) -> None:
        """Look users up with this client, waiting at most `wait_seconds` for an answer."""
        self._client = client
        self._profiles: TtlCache[tuple[str, str], SlackProfile] = TtlCache(ttl=ttl)
        self._retry_after_failure = retry_after_failure
        self._wait_seconds = wait_seconds

    async def of(self, workspace: str, user: str) -> SlackProfile:
        """The user's profile, or NO_PROFILE when Slack could not tell us just now."""
        key = (workspace, user)
        try:
            return await self._profiles.get(key, lambda: self._lookup(user))
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.info("Slack users.info for %s failed (%r); answering without it", user, exc)
            self._profiles.remember(key, NO_PROFILE, ttl=self._retry_after_failure)
            return NO_PROFILE

    async def _lookup(self, user: str) -> SlackProfile:
        async with asyncio.timeout(self._wait_seconds):
            answer = await self._client.users_info(user=user, include_locale=True)
        return parse_profile(answer.get("user") or {})


def parse_profile(user: dict[str, Any]) -> SlackProfile:
    """The fields we use from a users.info `user` object (all optional on Slack's side)."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name")
    return SlackProfile(
        display_name=str(name) if name else None,
        locale=str(user["locale"]) if user.get("locale") else None,
        timezone=str(user["tz"]) if user.get("tz") else None,
    )


__all__ = ("NO_PROFILE", "SlackProfile", "SlackProfiles", "parse_profile")
