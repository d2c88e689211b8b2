"""Which chat account may carry a notice now: Meta's 24-hour window and its one tag."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.channels import NO_CHANNEL, WAITING_FOR_WINDOW, plan_routes
from domain.enums import Channel, Role
from domain.models import Identity
from domain.ports.notify import NoticeKind

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ALL = frozenset(Channel)


def account(channel: Channel, hours_ago: float | None, chat: str | None = "c") -> Identity:
    last = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return Identity(
        uuid.uuid4(), channel, "", uuid.uuid4().hex, Role.CLIENT, chat_id=chat, last_inbound_at=last
    )


def test_most_recently_active_account_comes_first() -> None:
    telegram, messenger = account(Channel.TELEGRAM, 5), account(Channel.MESSENGER, 1)

    plan = plan_routes([telegram, messenger], kind=NoticeKind.REMINDER, now=NOW, reachable=ALL)

    assert [r.identity for r in plan.routes] == [messenger, telegram]
    assert not any(r.tagged_update for r in plan.routes)


def test_messenger_outside_the_window_takes_only_tagged_booking_updates() -> None:
    old = account(Channel.MESSENGER, 30)

    booking = plan_routes([old], kind=NoticeKind.BOOKING_CANCELLED, now=NOW, reachable=ALL)
    other = plan_routes([old], kind=NoticeKind.RECONNECT_ACCOUNT, now=NOW, reachable=ALL)

    assert [r.tagged_update for r in booking.routes] == [True]
    assert (other.routes, other.reason) == ((), WAITING_FOR_WINDOW)


def test_instagram_outside_the_window_is_skipped_for_another_account() -> None:
    instagram, telegram = account(Channel.INSTAGRAM, 25), account(Channel.TELEGRAM, 200)

    plan = plan_routes([instagram, telegram], kind=NoticeKind.REMINDER, now=NOW, reachable=ALL)

    assert [r.identity.channel for r in plan.routes] == [Channel.TELEGRAM]


def test_window_edge_and_unusable_accounts() -> None:
    edge = account(Channel.INSTAGRAM, 24)
    no_chat = account(Channel.TELEGRAM, 1, chat=None)
    console = account(Channel.CONSOLE, 1)

    plan = plan_routes(
        [edge, no_chat, console],
        kind=NoticeKind.REMINDER,
        now=NOW,
        reachable=ALL - {Channel.CONSOLE},
    )

    assert (plan.routes, plan.reason) == ((), WAITING_FOR_WINDOW)
    assert plan_routes([], kind=NoticeKind.REMINDER, now=NOW, reachable=ALL).reason == NO_CHANNEL
