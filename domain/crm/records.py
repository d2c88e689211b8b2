"""Client records for a reader: a history card and private notes sealed at rest.

A note is encrypted with the hub's Fernet key before it reaches storage, and every read
is scoped to the reader who wrote it: another reader never sees it, even for a shared
client. Topics (love, career, ...) are read from the note's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.clock import Clock
from domain.errors import InvalidRequest, NotFound
from domain.ports.client_records import (
    BookingRecord,
    ClientMatch,
    NoteCipher,
    PaymentRecord,
    RatingRecord,
)
from domain.ports.storage import UnitOfWork

MAX_NOTE = 2000
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "love": ("love", "relationship", "partner", "marriage", "ex", "حب", "علاقة", "زواج", "شريك"),
    "career": ("career", "job", "work", "business", "promotion", "عمل", "وظيفة", "مهنة"),
    "money": ("money", "finance", "finances", "debt", "مال", "مالية", "ديون"),
    "health": ("health", "wellbeing", "صحة"),
    "family": ("family", "children", "mother", "father", "عائلة", "أسرة", "أطفال"),
}


class AmbiguousClient(InvalidRequest):
    """A name several of the reader's clients share: pick one."""

    def __init__(self, matches: list[ClientMatch]) -> None:
        """Keep the candidates for the reader to pick from."""
        super().__init__("several clients have that name")
        self.matches = matches


@dataclass(frozen=True, slots=True)
class Note:
    """A private note, opened, with the topics its words mention."""

    id: UUID
    text: str
    created_at: datetime
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClientHistory:
    """What one reader has on one client."""

    client: ClientMatch
    bookings: list[BookingRecord]
    ratings: list[RatingRecord]
    payments: list[PaymentRecord]
    notes: list[Note]

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic the notes mention, once each."""
        return tuple(dict.fromkeys(t for note in self.notes for t in note.topics))


def topics_of(text: str) -> tuple[str, ...]:
    """Topics whose words the text uses."""
    words = {w.strip(".,;:!?،؛").casefold() for w in text.split()}
    return tuple(topic for topic, keys in TOPIC_WORDS.items() if words & set(keys))


async def _match(uow: UnitOfWork, reader_id: UUID, client_ref: str) -> ClientMatch:
    """Inside an entered unit of work: the one client the reference means."""
    ref = client_ref.strip().removeprefix("@").strip()
    matches = await uow.client_records.find(reader_id=reader_id, ref=ref)
    if not matches:
        raise NotFound(f"no client of yours is called {ref!r}")
    if len(matches) == 1:
        return matches[0]
    exact = [m for m in matches if (m.name or "").casefold() == ref.casefold()]
    if len(exact) == 1:
        return exact[0]
    raise AmbiguousClient(matches)


async def find_client(*, uow: UnitOfWork, reader_id: UUID, client_ref: str) -> ClientMatch:
    """The one client "@name" or an email means (NotFound, or AmbiguousClient)."""
    async with uow:
        return await _match(uow, reader_id, client_ref)


async def client_history(
    *, uow: UnitOfWork, cipher: NoteCipher, reader_id: UUID, client_ref: str
) -> ClientHistory:
    """Bookings, real session lengths, ratings, payments and the reader's own notes."""
    async with uow:
        client = await _match(uow, reader_id, client_ref)
        found = await uow.client_records.activity(reader_id=reader_id, client_id=client.id)
    notes = [
        Note(n.id, text, n.created_at, topics_of(text))
        for n in found.notes
        for text in (cipher.decrypt(n.body_encrypted.encode()).decode(),)
    ]
    return ClientHistory(client, found.bookings, found.ratings, found.payments, notes)


async def add_note(
    *,
    uow: UnitOfWork,
    clock: Clock,
    cipher: NoteCipher,
    reader_id: UUID,
    client_ref: str,
    text: str,
) -> tuple[ClientMatch, Note]:
    """Seal and store a note on one of the reader's clients; a bad reference saves nothing."""
    body = " ".join(text.split())
    if not body:
        raise InvalidRequest("the note is empty")
    if len(body) > MAX_NOTE:
        raise InvalidRequest(f"a note holds at most {MAX_NOTE} characters")
    sealed = cipher.encrypt(body.encode()).decode()
    async with uow:
        client = await _match(uow, reader_id, client_ref)
        stored = await uow.client_records.add_note(
            reader_id=reader_id, client_id=client.id, body_encrypted=sealed, now=clock.now()
        )
        await uow.commit()
    return client, Note(stored.id, body, stored.created_at, topics_of(body))


__all__ = (
    "AmbiguousClient",
    "ClientHistory",
    "Note",
    "add_note",
    "client_history",
    "find_client",
    "topics_of",
)
