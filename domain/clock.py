"""Time comes from an injected clock so rules and tests agree on `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant."""

    def now(self) -> datetime:
        """Return the current time.

        Returns:
            A timezone-aware UTC datetime.
        """
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


class FixedClock:
    """A clock tests can set and advance."""

    def __init__(self, at: datetime) -> None:
        """Start at `at` (must be aware)."""
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        """The instant the clock was set to."""
        return self._at

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self._at += delta

    def set(self, at: datetime) -> None:
        """Jump to another instant."""
        self._at = at.astimezone(UTC)
