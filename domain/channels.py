"""Which chat account may carry a notice right now: Meta's 24-hour window and its tags.

Messenger and Instagram only accept a business message within 24 hours of the person's
last message. Outside that window Messenger still takes a *tagged* update about an
event the person booked (never promotion); Instagram takes nothing. Other channels have
no window. The person's accounts are tried most recently active first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.enums import Channel
from domain.models import Identity
from domain.ports.notify import NoticeKind

META_WINDOW = timedelta(hours=24)
WINDOWED = frozenset({Channel.MESSENGER, Channel.INSTAGRAM})
# Updates about a booked session: what Meta's CONFIRMED_EVENT_UPDATE tag permits.
BOOKING_UPDATES = frozenset(
    {
        NoticeKind.BOOKING_CONFIRMED,
        NoticeKind.BOOKING_RESCHEDULED,
        NoticeKind.BOOKING_CANCELLED,
        NoticeKind.REMINDER,
    }
)
WAITING_FOR_WINDOW = "waiting for a channel inside Meta's 24-hour window"
NO_CHANNEL = "waiting for a chat channel: the person has no reachable chat account"


@dataclass(frozen=True, slots=True)
class Route:
    """One account to try, and whether it must go as a tagged event update."""

    identity: Identity
    tagged_update: bool = False


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """Accounts to try in order; `reason` says why there are none (or fewer than accounts)."""

    routes: tuple[Route, ...]
    reason: str


def inside_window(identity: Identity, now: datetime) -> bool:
    """Whether the person wrote on this account within Meta's 24 hours."""
    last = identity.last_inbound_at
    return last is not None and now - last < META_WINDOW


def plan_routes(
    identities: Sequence[Identity],
    *,
    kind: NoticeKind,
    now: datetime,
    reachable: Collection[Channel],
) -> RoutePlan:
    """The accounts a notice may use now, most recently active first."""
    ordered = sorted(
        identities,
        key=lambda i: i.last_inbound_at.timestamp() if i.last_inbound_at else float("-inf"),
        reverse=True,
    )
    routes: list[Route] = []
    blocked_by_window = False
    for identity in ordered:
        if identity.channel not in reachable or not identity.chat_id:
            continue
        if identity.channel not in WINDOWED or inside_window(identity, now):
            routes.append(Route(identity))
        elif identity.channel is Channel.MESSENGER and kind in BOOKING_UPDATES:
            routes.append(Route(identity, tagged_update=True))
        else:
            blocked_by_window = True
    reason = WAITING_FOR_WINDOW if blocked_by_window else NO_CHANNEL
    return RoutePlan(tuple(routes), "" if routes else reason)
