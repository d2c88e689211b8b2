"""A reader's client records in chat: "note @maria prefers evening" seals a private note;
"client @maria" (or an email) shows the history and the reader's own notes.

"clients" (plural) stays the stats figure; an ambiguous name is answered with buttons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from bots.conversations.deps import ChatDeps
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn
from bots.language import format_money, format_when
from bots.language._text import normalize
from bots.language.messages_crm import CrmMsg as M
from domain.crm import records
from domain.enums import BookingStatus, PaymentStatus, Role
from domain.errors import InvalidRequest, NotFound
from domain.ports.client_records import BookingRecord, ClientMatch

NAME = "cr"  # the first part of every button payload of this conversation
NOTE_WORDS = frozenset(normalize(w) for w in ("note", "ملاحظة", "ملاحظه"))
CLIENT_WORDS = frozenset(normalize(w) for w in ("client", "عميل", "العميل", "عميلة", "العميلة"))
SHOWN_NOTES = 3
SHOWN_SESSIONS = 3
TOPICS = {
    "love": M.TOPIC_LOVE,
    "career": M.TOPIC_CAREER,
    "money": M.TOPIC_MONEY,
    "health": M.TOPIC_HEALTH,
    "family": M.TOPIC_FAMILY,
}


class Verb(StrEnum):
    """Button verbs of the client-record conversation (`cr:`); the argument is a pick."""

    SHOW = "show"
    NOTE = "note"


def _split(text: str) -> tuple[str, str]:
    """The command word (normalised) and the rest as typed."""
    head, _, rest = text.strip().partition(" ")
    return normalize(head), rest.strip()


def intent(text: str) -> str | None:
    """'note @x ...' or 'client @x' (an email works as well as an @name)."""
    head, _ = _split(text)
    if head in NOTE_WORDS:
        return "intent:client_note"
    return "intent:client_record" if head in CLIENT_WORDS else None


def _ref(text: str) -> str:
    """A client reference as the records service takes it: a name or an email."""
    return text.strip().removeprefix("@").strip()


def _topics(turn: Turn[ChatDeps], topics: Sequence[str]) -> str:
    return ", ".join(turn.t(TOPICS[t]) if t in TOPICS else t for t in topics)


def _name(match: ClientMatch) -> str:
    return match.name or match.email or "?"


def _pick(turn: Turn[ChatDeps], ref: str, matches: list[ClientMatch], verb: Verb) -> Step:
    """Several clients share the name: each one a button, the picks kept in context."""
    turn.ctx["picks"] = [[m.name, m.email] for m in matches]
    buttons = tuple(
        Choice.of(f"{_name(m)} ({m.email})" if m.email else _name(m), Action(NAME, verb, str(i)))
        for i, m in enumerate(matches)
    )
    return Step.stay(Reply(turn.t(M.AMBIGUOUS_CLIENT, ref=ref), choices=buttons))


def _picked(turn: Turn[ChatDeps], event: InboundEvent) -> str | None:
    """The reference a tapped pick stands for: the email, else the name."""
    picks: list[list[Any]] = turn.ctx.get("picks") or []
    arg = event.action.arg if event.action is not None else ""
    if not arg.isdigit() or int(arg) >= len(picks):
        return None
    name, email = picks[int(arg)]
    return str(email or name)


async def note(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'note @maria prefers evening, asks about career': sealed and saved, topics read."""
    cipher = turn.deps.note_cipher
    if cipher is None:
        return Step.end(Reply(turn.t(M.NOTES_UNAVAILABLE)))
    ref, _, body = _split(event.text or "")[1].partition(" ")
    if not _ref(ref) or not body.strip():
        return Step.end(Reply(turn.t(M.NOTE_EMPTY)))
    turn.ctx["note"] = body
    return await _save_note(turn, _ref(ref), body)


async def note_picked(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The client tapped among several of one name: the waiting note goes to them."""
    ref, body = _picked(turn, event), turn.ctx.get("note")
    if ref is None or not body:
        return Step.end(Reply(turn.t(M.PICK_EXPIRED)))
    return await _save_note(turn, ref, str(body))


async def _save_note(turn: Turn[ChatDeps], ref: str, body: str) -> Step:
    cipher = turn.deps.note_cipher
    if cipher is None:
        return Step.end(Reply(turn.t(M.NOTES_UNAVAILABLE)))
    try:
        client, saved = await records.add_note(
            uow=turn.deps.uows(), clock=turn.deps.clock, cipher=cipher,
            reader_id=turn.actor.person_id, client_ref=ref, text=body,
        )  # fmt: skip
    except records.AmbiguousClient as many:
        return _pick(turn, ref, many.matches, Verb.NOTE)
    except NotFound:
        return Step.end(Reply(turn.t(M.UNKNOWN_CLIENT, ref=ref)))
    except InvalidRequest:
        too_long = len(" ".join(body.split())) > records.MAX_NOTE
        text = turn.t(M.NOTE_TOO_LONG, limit=records.MAX_NOTE) if too_long else None
        return Step.end(Reply(text or turn.t(M.NOTE_EMPTY)))
    if not saved.topics:
        return Step.end(Reply(turn.t(M.NOTE_SAVED, name=_name(client))))
    topics = _topics(turn, saved.topics)
    return Step.end(Reply(turn.t(M.NOTE_SAVED_TOPICS, name=_name(client), topics=topics)))


async def history(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'client @maria': bookings, sessions, topics, money, stars and the reader's notes."""
    ref = _ref(_split(event.text or "")[1])
    if not ref:
        return Step.end(Reply(turn.t(M.CLIENT_HOW)))
    return await _history(turn, ref)


async def history_picked(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """One of several clients of one name, tapped."""
    ref = _picked(turn, event)
    return await _history(turn, ref) if ref else Step.end(Reply(turn.t(M.PICK_EXPIRED)))


async def _history(turn: Turn[ChatDeps], ref: str) -> Step:
    cipher = turn.deps.note_cipher or _NoNotes()
    try:
        found = await records.client_history(
            uow=turn.deps.uows(read_only=True), cipher=cipher,
            reader_id=turn.actor.person_id, client_ref=ref,
        )  # fmt: skip
    except records.AmbiguousClient as many:
        return _pick(turn, ref, many.matches, Verb.SHOW)
    except NotFound:
        return Step.end(Reply(turn.t(M.UNKNOWN_CLIENT, ref=ref)))
    lines = [
        turn.t(M.HISTORY_TITLE, name=_name(found.client), email=found.client.email or "–"),
        *_bookings(turn, found.bookings),
        *_sessions(turn, found.bookings),
        *_money_and_stars(turn, found),
        *_notes(turn, found),
    ]
    return Step.end(Reply("\n".join(lines)))


class _NoNotes:
    """Where notes are not available none can be opened: the history shows without them."""

    def encrypt(self, plaintext: bytes) -> bytes:
        raise InvalidRequest("notes are not available here")

    def decrypt(self, token: bytes) -> bytes:
        return b""


def _when(turn: Turn[ChatDeps], booking: BookingRecord) -> str:
    return format_when(booking.starts_at, turn.actor.timezone, turn.actor.language)


def _bookings(turn: Turn[ChatDeps], bookings: list[BookingRecord]) -> list[str]:
    """The counts, the last booking that has passed and the next one ahead."""
    by = Counter(b.status for b in bookings)
    lines = [
        turn.t(
            M.HISTORY_BOOKINGS, total=len(bookings), held=by[BookingStatus.COMPLETED],
            cancelled=by[BookingStatus.CANCELLED], no_show=by[BookingStatus.NO_SHOW],
        )
    ]  # fmt: skip
    past = [b for b in bookings if b.starts_at <= turn.now]
    ahead = [b for b in bookings if b.starts_at > turn.now and b.status in BookingStatus.active()]
    if past:
        last = max(past, key=lambda b: b.starts_at)
        lines.append(turn.t(M.HISTORY_LAST, when=_when(turn, last), service=last.service))
    if ahead:
        soon = min(ahead, key=lambda b: b.starts_at)
        lines.append(turn.t(M.HISTORY_NEXT, when=_when(turn, soon), service=soon.service))
    else:
        lines.append(turn.t(M.HISTORY_NO_NEXT))
    return lines


def _sessions(turn: Turn[ChatDeps], bookings: list[BookingRecord]) -> list[str]:
    """Sessions held, with the length they really lasted (the newest few)."""
    held = [b for b in bookings if b.status is BookingStatus.COMPLETED]
    if not held:
        return []
    minutes = sum(b.held_seconds or 0 for b in held) // 60
    lines = [turn.t(M.HISTORY_SESSIONS, count=len(held), minutes=minutes)]
    for b in sorted(held, key=lambda b: b.starts_at, reverse=True)[:SHOWN_SESSIONS]:
        length = round((b.held_seconds or 0) / 60) if b.held_seconds else "–"
        line = turn.t(
            M.HISTORY_SESSION_LINE, when=_when(turn, b), minutes=length, service=b.service
        )
        lines.append(f"• {line}")
    return lines


def _money_and_stars(turn: Turn[ChatDeps], found: records.ClientHistory) -> list[str]:
    """Money received (per currency) and the stars given."""
    paid = [p for p in found.payments if p.status == PaymentStatus.SUCCEEDED]
    totals: Counter[str] = Counter()
    for payment in paid:
        totals[payment.currency] += payment.amount_minor
    language = turn.actor.language
    total = ", ".join(format_money(n, cur, language) for cur, n in sorted(totals.items()))
    lines = [
        turn.t(M.HISTORY_PAID, total=total, count=len(paid)) if paid else turn.t(M.HISTORY_NOT_PAID)
    ]
    if found.ratings:
        average = sum(r.stars for r in found.ratings) / len(found.ratings)
        count = len(found.ratings)
        lines.append(turn.t(M.HISTORY_RATINGS, average=f"{average:.1f}", count=count))
    else:
        lines.append(turn.t(M.HISTORY_NO_RATINGS))
    return lines


def _notes(turn: Turn[ChatDeps], found: records.ClientHistory) -> list[str]:
    """Topics, then the reader's newest notes (only theirs: the service scopes them)."""
    if turn.deps.note_cipher is None:
        return []
    if not found.notes:
        return [turn.t(M.HISTORY_NO_NOTES)]
    lines = [turn.t(M.HISTORY_TOPICS, topics=_topics(turn, found.topics))] if found.topics else []
    lines.append(turn.t(M.HISTORY_NOTES))
    for n in sorted(found.notes, key=lambda n: n.created_at, reverse=True)[:SHOWN_NOTES]:
        when = format_when(n.created_at, turn.actor.timezone, turn.actor.language)
        lines.append(f"• {when}: {n.text}")
    return lines


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=NAME,
    roles=frozenset({Role.READER}),
    entry={"intent:client_note": note, "intent:client_record": history},
    actions={Verb.SHOW: history_picked, Verb.NOTE: note_picked},
)
