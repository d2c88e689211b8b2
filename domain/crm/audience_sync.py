"""Keep the email audience in step with our clients, sending only what changed.

Each client's contact (email, name, language, tags, and a status that is `subscribed`
only with marketing consent for email) is hashed into a fingerprint; a contact whose
fingerprint equals the one the audience last accepted (`audience_members`) is not sent,
so a run with nothing changed makes no call at all. The `sync_cursors` row holds the last
client id of the pass in progress, so a run cut off half-way resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from uuid import UUID

from domain.clock import Clock
from domain.crm.consent import marketing_allowed
from domain.enums import AudienceStatus, Channel, ConsentKind
from domain.ports.audience import BATCH_LIMIT, AudienceContact, EmailAudience
from domain.ports.consent import AudienceMemberState, AudiencePerson, ConsentEntry
from domain.ports.storage import UnitOfWorkFactory

CURSOR = "sync-mailchimp"


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one run did."""

    considered: int
    sent: int
    calls: int
    failed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Pending:
    client_id: UUID
    contact: AudienceContact
    fingerprint: str


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the MD5 of the lowercased address."""
    return hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()


def contact_for(person: AudiencePerson, history: list[ConsentEntry]) -> AudienceContact:
    """The contact the audience should hold for one client."""
    subscribed = marketing_allowed(
        consent=person.marketing_consent,
        consent_at=person.marketing_consent_at,
        history=history,
        channel=Channel.EMAIL,
    )
    tags = [f"lang-{person.language}", *(f"client-of-{slug}" for slug in person.reader_slugs)]
    if person.country:
        tags.insert(0, f"country-{person.country.lower()}")
    first, _, last = (person.name or "").strip().partition(" ")
    return AudienceContact(
        email=person.email.strip().lower(),
        name=(person.name or "").strip(),
        language=person.language,
        status=AudienceStatus.SUBSCRIBED if subscribed else AudienceStatus.UNSUBSCRIBED,
        tags=tuple(tags),
        merge_fields={"FNAME": first, "LNAME": last.strip()},
    )


def fingerprint(contact: AudienceContact) -> str:
    """SHA-256 over everything sent: equal means the audience already has it."""
    data = {
        "email": contact.email,
        "name": contact.name,
        "language": contact.language,
        "status": contact.status.value,
        "tags": sorted(contact.tags),
        "merge_fields": dict(sorted(contact.merge_fields.items())),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


async def sync_audience(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    audience: EmailAudience,
    audience_id: str,
    page: int = BATCH_LIMIT,
) -> SyncReport:
    """Send the contacts that changed since the audience last accepted them."""
    async with uows(read_only=True) as uow:
        position = await uow.consent.cursor(CURSOR)
    after = UUID(position) if position else None
    considered = sent = calls = 0
    failed: list[tuple[str, str]] = []
    pending: list[_Pending] = []
    while True:
        people, changed = await _changed_page(uows, audience_id, after, page)
        considered += len(people)
        pending.extend(changed)
        done = len(people) < page
        while len(pending) >= BATCH_LIMIT or (done and pending):
            batch, pending = pending[:BATCH_LIMIT], pending[BATCH_LIMIT:]
            made, refused = await _send(uows, clock, audience, audience_id, batch)
            calls, sent, failed = calls + made, sent + len(batch) - len(refused), failed + refused
        if people and not pending:
            after = people[-1].client_id
            await _save_cursor(uows, clock, str(after))
        if done:
            break
    await _save_cursor(uows, clock, "")
    return SyncReport(considered, sent, calls, tuple(failed))


async def _changed_page(
    uows: UnitOfWorkFactory, audience_id: str, after: UUID | None, page: int
) -> tuple[list[AudiencePerson], list[_Pending]]:
    """One page of clients and those of them whose contact differs from the audience's."""
    async with uows(read_only=True) as uow:
        people = await uow.consent.audience_people(after, page)
        ids = [p.client_id for p in people]
        histories = await uow.consent.histories(ids, ConsentKind.MARKETING)
        members = await uow.consent.audience_members(audience_id, ids)
    changed = []
    for person in people:
        contact = contact_for(person, histories.get(person.client_id, []))
        mark = fingerprint(contact)
        known = members.get(person.client_id)
        if known is None or known.fingerprint != mark:
            changed.append(_Pending(person.client_id, contact, mark))
    return people, changed


async def _send(
    uows: UnitOfWorkFactory,
    clock: Clock,
    audience: EmailAudience,
    audience_id: str,
    batch: list[_Pending],
) -> tuple[int, list[tuple[str, str]]]:
    """Upsert one batch and remember what the audience accepted."""
    outcome = await audience.upsert_contacts([p.contact for p in batch])
    refused = {email for email, _ in outcome.failed}
    accepted = [
        AudienceMemberState(
            p.client_id, subscriber_hash(p.contact.email), p.contact.status, p.fingerprint
        )
        for p in batch
        if p.contact.email not in refused
    ]
    async with uows() as uow:
        await uow.consent.save_audience_members(audience_id, accepted, clock.now())
        await uow.commit()
    return outcome.calls, list(outcome.failed)


async def _save_cursor(uows: UnitOfWorkFactory, clock: Clock, position: str) -> None:
    async with uows() as uow:
        await uow.consent.set_cursor(CURSOR, position, clock.now())
        await uow.commit()
