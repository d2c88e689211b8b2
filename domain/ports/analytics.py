"""What analytics reads: rollup rows per local day, never the bookings themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class SessionCounts:
    """Sessions by outcome over some days (of one service, a day, or all of them)."""

    key: str  # the day (ISO), the service id, or "" for a total
    completed: int = 0
    no_show: int = 0
    cancelled: int = 0
    confirmed: int = 0
    booked_minutes: int = 0
    timed_sessions: int = 0
    held_seconds: int = 0


@dataclass(frozen=True, slots=True)
class HourCount:
    """Sessions held or booked starting in one local hour of one weekday, over a period."""

    weekday: int  # Monday 0 .. Sunday 6
    hour: int
    sessions: int


@dataclass(frozen=True, slots=True)
class RevenueRow:
    """Money received, in one currency, for one key (a day, a service, a country, a kind)."""

    key: str
    currency: str
    payments: int
    gross_minor: int
    refunded_minor: int
    fee_minor: int = 0  # the platform's fee (platform figures only)

    @property
    def net_minor(self) -> int:
        """What was kept after refunds."""
        return self.gross_minor - self.refunded_minor


@dataclass(frozen=True, slots=True)
class StarsCount:
    """Ratings with this many stars in one local month."""

    month: date
    stars: int
    ratings: int


@dataclass(frozen=True, slots=True)
class Feedback:
    """One rating with its words, for "recent comments"."""

    stars: int
    text: str
    given_at: datetime


@dataclass(frozen=True, slots=True)
class ClientSummary:
    """A reader's clients with a held session: how many, how many came back, how often."""

    clients: int
    repeaters: int  # two or more held sessions
    average_gap_seconds: float | None  # of each repeater's mean time between sessions
    median_gap_seconds: float | None


@dataclass(frozen=True, slots=True)
class CohortCell:
    """Clients whose first held session was in `cohort` and who held one in `month`."""

    cohort: date
    month: date
    clients: int


@dataclass(frozen=True, slots=True)
class CountRow:
    """A labelled count (a week, a month, a country, a channel, a provider)."""

    key: str
    count: int
    extra: int = 0  # a second count where the figure needs one (e.g. errors of a total)


class AnalyticsRepository(Protocol):
    """Rollup upkeep and the aggregate reads every figure is built from.

    Days are the reader's local calendar days, `start` inclusive, `end` exclusive; a
    `reader_id` of None means every reader (the platform's figures).
    """

    async def refresh(self, reader_id: UUID, now: datetime) -> int:
        """Recompute what changed for one reader since the last refresh.

        Args:
            reader_id: The reader whose marked days and clients are recomputed.
            now: Stamps a rebuild (the first refresh of a reader, or after a zone change).

        Returns:
            How many days and clients were recomputed.
        """
        ...

    async def readers_to_refresh(self, limit: int) -> list[UUID]:
        """Readers with changes not yet rolled up (or never rolled up).

        Args:
            limit: At most this many, oldest id first.

        Returns:
            Their ids.
        """
        ...

    async def rebuild(self, reader_id: UUID, now: datetime) -> None:
        """Throw away a reader's rollups and compute them again from the full history.

        Args:
            reader_id: The reader.
            now: Stamped on the rebuild.
        """
        ...

    async def sessions(
        self, reader_id: UUID | None, start: date, end: date, *, by: str, service_id: UUID | None
    ) -> list[SessionCounts]:
        """Sessions by outcome, summed per `by` ("day", "service" or "total").

        Args:
            reader_id: One reader, or None for all.
            start: First local day.
            end: Day after the last.
            by: The grouping.
            service_id: Only this service when given.

        Returns:
            One row per group with any sessions, ordered by key.
        """
        ...

    async def hours(self, reader_id: UUID, start: date, end: date) -> list[HourCount]:
        """Sessions (held or booked) per local weekday and hour: the peak-hour matrix.

        Args:
            reader_id: The reader.
            start: First local day.
            end: Day after the last.

        Returns:
            Rows with at least one session.
        """
        ...

    async def durations(self, reader_id: UUID, start: date, end: date) -> list[tuple[int, int]]:
        """The histogram of real session lengths: (whole minutes, sessions).

        Args:
            reader_id: The reader.
            start: First local day.
            end: Day after the last.

        Returns:
            Pairs ordered by minutes.
        """
        ...

    async def stars(self, reader_id: UUID, start: date, end: date) -> list[StarsCount]:
        """Ratings per local month and number of stars.

        Args:
            reader_id: The reader.
            start: First local day.
            end: Day after the last.

        Returns:
            Rows ordered by month, then stars.
        """
        ...

    async def feedback(self, reader_id: UUID, limit: int) -> list[Feedback]:
        """The newest ratings that came with words.

        Args:
            reader_id: The reader.
            limit: How many.

        Returns:
            Newest first.
        """
        ...

    async def revenue(
        self, reader_id: UUID | None, start: date, end: date, *, by: str, service_id: UUID | None
    ) -> list[RevenueRow]:
        """Money received per `by` ("day", "month", "service", "country", "kind", "total").

        For one reader the amounts are in the reader's currency (the payments' snapshots);
        for the platform (reader None) in the platform's currency.

        Args:
            reader_id: One reader, or None for all.
            start: First local day.
            end: Day after the last.
            by: The grouping.
            service_id: Only this service when given.

        Returns:
            One row per group and currency, ordered by key.
        """
        ...

    async def client_summary(self, reader_id: UUID) -> ClientSummary:
        """Clients, repeaters and the gaps between sessions, all time.

        Args:
            reader_id: The reader.

        Returns:
            The summary (zeros and None before any held session).
        """
        ...

    async def clients_in(self, reader_id: UUID, first: date, last: date) -> tuple[int, int]:
        """Clients with a held session in the local months `first`..`last`, and the new ones.

        Args:
            reader_id: The reader.
            first: First month (its first day).
            last: Last month (its first day).

        Returns:
            (clients active in those months, of whom new: first session in them).
        """
        ...

    async def cohorts(self, reader_id: UUID, first: date, last: date) -> list[CohortCell]:
        """For cohorts from month `first` to `last`, their clients active in each month.

        Args:
            reader_id: The reader.
            first: First cohort month (its first day).
            last: Last cohort month.

        Returns:
            Cells ordered by cohort, then month; the cohort's own month gives its size.
        """
        ...

    async def active_clients(self, start: date, end: date) -> list[CountRow]:
        """Distinct clients with a held session per local month, over all readers.

        Args:
            start: First day (its month counts).
            end: Day after the last.

        Returns:
            One row per month ("2026-10").
        """
        ...

    async def signups_per_week(
        self, start: datetime, end: datetime, *, readers: bool
    ) -> list[CountRow]:
        """How many clients (or readers) joined in each UTC week, for growth.

        Args:
            start: First instant.
            end: Instant after the last.
            readers: Readers instead of clients.

        Returns:
            One row per week with sign-ups, keyed by its Monday ("YYYY-MM-DD"), ascending.
        """
        ...

    async def clients_by_country(self) -> list[CountRow]:
        """Clients per country ("" when unknown).

        Returns:
            Rows, largest first.
        """
        ...

    async def last_seen(self, min_sessions: int, start: datetime, end: datetime) -> list[CountRow]:
        """Clients with `min_sessions`+ held sessions whose last one fell in the window.

        Args:
            min_sessions: Held sessions (over every reader) that make a client regular.
            start: First instant of the window.
            end: Instant after the last.

        Returns:
            A row per UTC day ("2026-10-03") of the last session, with how many clients.
        """
        ...


@dataclass(frozen=True, slots=True)
class LiveCounts:
    """What is happening now, from indexed recent rows (never a table scan)."""

    live_sessions: int  # readings started and not ended (Zoom or the reader's marks)
    scheduled_now: int  # confirmed bookings whose time is now
    bookings_last_hour: int
    messages_last_hour: int
    webhooks: list[CountRow]  # per provider: deliveries (count) and failed ones (extra)
    outbox: list[CountRow]  # per kind: rows touched (count) and failing ones (extra)
    queue_depth: int  # outbox rows due or in progress
    unfinished_deliveries: int  # webhook deliveries recorded and not yet processed


class ActivityRepository(Protocol):
    """Recent activity for the real-time figures and `/metrics`."""

    async def live(self, now: datetime, window: timedelta) -> LiveCounts:
        """Counts of the last `window` before `now` (an hour for the live page).

        Args:
            now: The current instant.
            window: How far back "recent" goes.

        Returns:
            The counts.
        """
        ...

    async def inbound_by_hour(self, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
        """Inbound deliveries per UTC hour, for the activity heatmap.

        Args:
            start: First instant.
            end: Instant after the last.

        Returns:
            (hour start, deliveries) for hours with any.
        """
        ...


class FunnelRepository(Protocol):
    """The first time each client reached each funnel step, per channel."""

    async def mark(self, step: str, channel: str, client_id: UUID, at: datetime) -> None:
        """Record a step the database cannot see (slots offered); a second time is ignored.

        Args:
            step: A `FunnelStep` value.
            channel: A `Channel` value.
            client_id: The client.
            at: When.
        """
        ...

    async def counts(self, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
        """Clients who first reached each step in the window.

        Args:
            start: First instant.
            end: Instant after the last.

        Returns:
            (channel, step, clients) rows.
        """
        ...
