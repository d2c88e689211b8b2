"""What segments need from storage: saved rules, and their evaluation as one SQL statement."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.crm.segment_rules import SegmentRule


@dataclass(frozen=True, slots=True)
class SavedSegment:
    """A reader's (or, with no reader, the platform's) named rule."""

    id: UUID
    reader_id: UUID | None
    name: str
    rule_text: str
    definition: dict[str, Any]
    created_at: datetime


class SegmentRepository(Protocol):
    """Saved segments, and the clients a rule selects, evaluated in the database."""

    async def save(
        self,
        *,
        reader_id: UUID | None,
        name: str,
        rule_text: str,
        definition: dict[str, Any],
        now: datetime,
    ) -> SavedSegment:
        """Store a rule under its name, replacing the rule of a segment of that name.

        Args:
            reader_id: The owner; None for a platform segment.
            name: The segment's name (unique per owner, case-insensitive).
            rule_text: The rule as written.
            definition: The parsed rule as JSON.
            now: The creation stamp of a new segment.

        Returns:
            The saved segment.
        """
        ...

    async def get(self, *, reader_id: UUID | None, name: str) -> SavedSegment | None:
        """A saved segment by name (case-insensitive).

        Args:
            reader_id: The owner; None for a platform segment.
            name: Its name.

        Returns:
            The segment, or None.
        """
        ...

    async def list(self, *, reader_id: UUID | None) -> builtins.list[SavedSegment]:
        """An owner's saved segments by name.

        Args:
            reader_id: The owner; None for the platform's.

        Returns:
            The segments.
        """
        ...

    async def count(
        self, *, reader_id: UUID | None, rule: SegmentRule, now: datetime, marketing_only: bool
    ) -> int:
        """How many clients the rule selects.

        Args:
            reader_id: Only clients who booked with this reader, and their activity with
                them; None for every client and all their activity.
            rule: The parsed rule.
            now: The instant "in 60 days" and "this month" count from.
            marketing_only: Only clients with marketing consent and not erased.

        Returns:
            The number of clients.
        """
        ...

    async def client_ids(
        self,
        *,
        reader_id: UUID | None,
        rule: SegmentRule,
        now: datetime,
        marketing_only: bool,
        after: UUID | None,
        limit: int,
    ) -> builtins.list[UUID]:
        """One keyset page of the selected clients, ordered by client id.

        Args:
            reader_id: As in `count`.
            rule: The parsed rule.
            now: As in `count`.
            marketing_only: As in `count`.
            after: The last id of the previous page; None for the first page.
            limit: The page size.

        Returns:
            Up to `limit` client ids greater than `after`.
        """
        ...
