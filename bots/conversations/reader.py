"""A reader's day from chat: today, upcoming, attendance, hours, time off, summary."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from bots.conversations.common import Conv, choice, domain_error_reply, price, reader_menu
from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import ReaderVerb as Verb
from bots.engine import Conversation, InboundEvent, Reply, Step, Turn
from bots.language import format_time, format_weekday, format_when
from domain import errors
from domain.booking import queries, schedule, service
from domain.booking.windows import TimeWindow
from domain.enums import BookingStatus, Role

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
HOURS = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)\w*\s+(?:(closed)|(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2}))$"
)
TIME_OFF = re.compile(r"^off\s+(\d{4}-\d{2}-\d{2})$")


async def today(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Today's sessions in the reader's zone, with attendance buttons for started ones."""
    zone = ZoneInfo(turn.actor.timezone)
    start = datetime.combine(turn.now.astimezone(zone).date(), time(0), zone)
    agenda = await queries.reader_agenda(
        uow=turn.deps.uows(read_only=True),
        reader_id=turn.actor.person_id,
        window=TimeWindow(start, start + timedelta(days=1)),
    )
    if not agenda:
        return Step.end(Reply(turn.t("No sessions today."), choices=reader_menu(turn)))
    lines, buttons = [turn.t("Today: {count} sessions", count=len(agenda))], []
    for view in agenda:
        b = view.booking
        lines.append(
            f"• {format_time(b.starts_at, turn.actor.timezone, turn.actor.language)} "
            f"{view.service.name} ({b.status.value}) #{b.reference}"
        )
        if b.status is BookingStatus.CONFIRMED and b.starts_at <= turn.now:
            buttons.append(choice(turn, f"✓ #{b.reference}", Conv.READER, Verb.DONE, b.id.hex))
            buttons.append(choice(turn, f"✗ #{b.reference}", Conv.READER, Verb.NO_SHOW, b.id.hex))
    return Step.end(Reply("\n".join(lines), choices=(*buttons, *reader_menu(turn))))


async def upcoming(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The next seven days."""
    agenda = await queries.reader_agenda(
        uow=turn.deps.uows(read_only=True),
        reader_id=turn.actor.person_id,
        window=TimeWindow(turn.now, turn.now + timedelta(days=7)),
    )
    if not agenda:
        return Step.end(Reply(turn.t("No upcoming sessions."), choices=reader_menu(turn)))
    lines = [turn.t("Upcoming sessions:")] + [
        f"• {format_when(v.booking.starts_at, turn.actor.timezone, turn.actor.language)} "
        f"{v.service.name} #{v.booking.reference}"
        for v in agenda[:20]
    ]
    return Step.end(Reply("\n".join(lines), choices=reader_menu(turn)))


async def attendance(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Mark a session completed or no-show."""
    assert event.action is not None
    attended = event.action.verb == Verb.DONE
    try:
        await service.mark_attendance(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            booking_id=UUID(hex=event.action.arg),
            reader_id=turn.actor.person_id,
            attended=attended,
        )
    except errors.DomainError as error:
        return Step.end(domain_error_reply(turn, error))
    text = turn.t("Marked as completed.") if attended else turn.t("Marked as no-show.")
    return Step.end(Reply(text, choices=reader_menu(turn)))


async def summary(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Sessions and revenue this week and this month."""
    numbers = await queries.reader_summary(
        uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id, now=turn.now
    )
    text = turn.t(
        "This week: {sessions} sessions, {revenue}. "
        "This month: {month_sessions} sessions, {month_revenue}.",
        sessions=numbers.week_sessions,
        revenue=price(turn, numbers.week_revenue_minor, numbers.currency),
        month_sessions=numbers.month_sessions,
        month_revenue=price(turn, numbers.month_revenue_minor, numbers.currency),
    )
    return Step.end(Reply(text, choices=reader_menu(turn)))


async def hours(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Show weekly hours and how to change them."""
    weekly = await schedule.weekly_hours(
        uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id
    )
    lines = [turn.t("Your weekly hours:")] + [
        f"• {format_weekday(h.weekday, turn.actor.language)} "
        f"{h.start.strftime('%H:%M')}–{h.end.strftime('%H:%M')}"
        for h in weekly
    ]
    lines.append(turn.t("Send your hours like: mon 10:00-18:00, or 'off 2026-12-24' for time off."))
    return Step.end(Reply("\n".join(lines), choices=reader_menu(turn)))


async def schedule_text(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'mon 10:00-18:00', 'mon closed' or 'off 2026-12-24'."""
    text = (event.text or "").strip().lower()
    try:
        if match := HOURS.match(text):
            return await _set_hours(turn, match)
        if match := TIME_OFF.match(text):
            return await _time_off(turn, date.fromisoformat(match.group(1)))
    except ValueError:
        return Step.end(Reply(turn.t("I couldn't read that. Send hours like: mon 10:00-18:00")))
    except errors.DomainError as error:
        return Step.end(domain_error_reply(turn, error))
    return Step.end(
        Reply(turn.t("I didn't understand that. Here is what I can do:"), choices=reader_menu(turn))
    )


async def _set_hours(turn: Turn[ChatDeps], match: re.Match[str]) -> Step:
    weekday = WEEKDAYS[match.group(1)]
    ranges = (
        []
        if match.group(2)
        else [
            (
                time.fromisoformat(match.group(3).zfill(5)),
                time.fromisoformat(match.group(4).zfill(5)),
            )
        ]
    )
    await schedule.set_weekday_hours(
        uow=turn.deps.uows(), reader_id=turn.actor.person_id, weekday=weekday, ranges=ranges
    )
    label = format_weekday(weekday, turn.actor.language)
    if not ranges:
        return Step.end(Reply(turn.t("{weekday} is now closed.", weekday=label)))
    return Step.end(
        Reply(
            turn.t(
                "Hours for {weekday} set to {start}–{end}.",
                weekday=label,
                start=match.group(3),
                end=match.group(4),
            )
        )
    )


async def _time_off(turn: Turn[ChatDeps], day: date) -> Step:
    local_today = turn.now.astimezone(ZoneInfo(turn.actor.timezone)).date()
    await schedule.add_time_off(
        uow=turn.deps.uows(), reader_id=turn.actor.person_id, day=day, today=local_today
    )
    return Step.end(Reply(turn.t("Time off added for {day}.", day=day.isoformat())))


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.READER,
    roles=frozenset({Role.READER}),
    entry={
        "today": today,
        "upcoming": upcoming,
        "summary": summary,
        "hours": hours,
        "intent:schedule": schedule_text,
    },
    actions={
        Verb.TODAY: today,
        Verb.UPCOMING: upcoming,
        Verb.SUMMARY: summary,
        Verb.HOURS: hours,
        Verb.DONE: attendance,
        Verb.NO_SHOW: attendance,
    },
)
