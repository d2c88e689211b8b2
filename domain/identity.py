"""Who is talking: chat accounts become clients on first contact; readers link with a code."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.clock import Clock
from domain.enums import Channel, Role
from domain.errors import InvalidRequest, NotFound
from domain.models import Client, Identity
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

LINK_CODE_TTL = timedelta(hours=24)
LAST_INBOUND_RESOLUTION = timedelta(minutes=1)
# No 0/O/1/I: codes are read off one screen and typed into another.
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Sender:
    """A channel account as an adapter sees it."""

    channel: Channel
    workspace: str
    external_user_id: str
    display_name: str | None = None
    locale: str | None = None
    chat_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedSender:
    """The identity plus the client behind it, when the sender is a client."""

    identity: Identity
    client: Client | None
    is_new: bool


def new_referral_code() -> str:
    """A short, unambiguous code a client can share."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def hash_code(code: str) -> str:
    """Only hashes of link codes are stored."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def known_sender(*, uow: UnitOfWork, clock: Clock, sender: Sender) -> ResolvedSender | None:
    """The sender, when nothing about them needs writing; None sends the caller to
    `resolve_sender`. Most messages come from known accounts, and a read-only unit of work
    takes no write lock (SQLite has one for all processes).
    """
    async with uow:
        identity = await uow.identities.find(
            sender.channel, sender.workspace, sender.external_user_id
        )
        if identity is None or _worth_saving(identity, _touched(identity, sender, clock.now())):
            return None
        client = await uow.clients.get(identity.client_id) if identity.client_id else None
    return ResolvedSender(identity=identity, client=client, is_new=False)


async def resolve_sender(
    *,
    uow: UnitOfWork,
    clock: Clock,
    sender: Sender,
    default_timezone: str = "UTC",
    written_language: str | None = None,
) -> ResolvedSender:
    """Find the account's owner, or make the sender a client on first contact.

    A new client speaks the language of their first words (`written_language`, from
    `domain.script`) over their channel's locale, with one exception: English words do not
    override an Arabic locale, since a page's own first message ("book with Layla", sent
    before the person types) is English and the locale is then the better witness.
    """
    now = clock.now()
    async with uow:
        identity = await uow.identities.find(
            sender.channel, sender.workspace, sender.external_user_id
        )
        is_new = identity is None
        client: Client | None
        if identity is None:
            client = Client(
                id=uuid4(),
                referral_code=new_referral_code(),
                name=sender.display_name,
                language=_first_language(sender.locale, written_language),
                timezone=default_timezone,
                preferred_channel=sender.channel,
                created_at=now,
            )
            await uow.clients.add(client)
            identity = Identity(
                id=uuid4(),
                channel=sender.channel,
                workspace=sender.workspace,
                external_user_id=sender.external_user_id,
                role=Role.CLIENT,
                client_id=client.id,
                display_name=sender.display_name,
                locale=sender.locale,
                chat_id=sender.chat_id,
                last_inbound_at=now,
            )
            await uow.identities.add(identity)
        else:
            touched = _touched(identity, sender, now)
            if _worth_saving(identity, touched):
                await uow.identities.save(touched)
                identity = touched
            client = await uow.clients.get(identity.client_id) if identity.client_id else None
        await uow.commit()
    return ResolvedSender(identity=identity, client=client, is_new=is_new)


async def create_link_code(
    *, uow: UnitOfWork, clock: Clock, reader_id: UUID | None = None, admin_id: UUID | None = None
) -> str:
    """A one-time code that turns a chat account into the reader's (or admin's) account."""
    if (reader_id is None) == (admin_id is None):
        raise InvalidRequest("a link code is for exactly one reader or admin")
    now = clock.now()
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    async with uow:
        if reader_id is not None and await uow.readers.get(reader_id) is None:
            raise NotFound("reader not found")
        await uow.identities.add_link_code(
            code_hash=hash_code(code),
            reader_id=reader_id,
            admin_id=admin_id,
            expires_at=now + LINK_CODE_TTL,
            now=now,
        )
        await uow.commit()
    return code


async def invite_admin(*, uows: UnitOfWorkFactory, clock: Clock, email: str, name: str = "") -> str:
    """A link code for a platform admin's chat (the admin is added on first invite)."""
    address = email.strip().lower()
    local, _, domain_part = address.partition("@")
    if not local or "." not in domain_part:
        raise InvalidRequest(f"{email!r} is not an email address")
    async with uows() as uow:
        admin_id = await uow.identities.admin_id(address, name.strip() or local)
        await uow.commit()
    return await create_link_code(uow=uows(), clock=clock, admin_id=admin_id)


async def link_account(
    *, uow: UnitOfWork, clock: Clock, identity_id: UUID, sender: Sender, code: str
) -> Identity:
    """Use a link code: the chat account now acts as that reader or admin."""
    now = clock.now()
    async with uow:
        owner = await uow.identities.consume_link_code(hash_code(code), now)
        if owner is None:
            raise InvalidRequest("invalid or expired link code")
        reader_id, admin_id = owner
        identity = await uow.identities.find(
            sender.channel, sender.workspace, sender.external_user_id
        )
        if identity is None or identity.id != identity_id:
            raise NotFound("identity not found")
        role = Role.READER if reader_id is not None else Role.ADMIN
        identity = replace(identity, role=role, reader_id=reader_id, admin_id=admin_id)
        await uow.identities.save(identity)
        await uow.commit()
    return identity


async def update_client_contact(
    *,
    uow: UnitOfWork,
    client_id: UUID,
    name: str | None = None,
    email: str | None = None,
    timezone: str | None = None,
    language: str | None = None,
) -> Client:
    """Store what the client told us; an email already used by another client is refused."""
    async with uow:
        client = await uow.clients.get(client_id)
        if client is None:
            raise NotFound("client not found")
        if email is not None:
            email = email.strip().lower()
            other = await uow.clients.get_by_email(email)
            if other is not None and other.id != client.id:
                raise InvalidRequest("email belongs to another client", email=email)
            client.email = email
        client.name = name.strip() if name else client.name
        client.timezone = timezone or client.timezone
        client.language = language or client.language
        await uow.clients.save(client)
        await uow.commit()
    return client


def _touched(identity: Identity, sender: Sender, now: datetime) -> Identity:
    """The identity as this message leaves it."""
    return replace(
        identity,
        last_inbound_at=now,
        locale=sender.locale or identity.locale,
        chat_id=sender.chat_id or identity.chat_id,
    )


def _worth_saving(stored: Identity, touched: Identity) -> bool:
    """Write only real changes, or a last-inbound time that has moved on noticeably.

    Meta's 24-hour window needs the last inbound time to the minute, not to the message;
    skipping the write on most messages keeps a chat turn to reads only.
    """
    if (stored.locale, stored.chat_id) != (touched.locale, touched.chat_id):
        return True
    last = stored.last_inbound_at
    return (
        last is None
        or touched.last_inbound_at is None
        or (touched.last_inbound_at - last >= LAST_INBOUND_RESOLUTION)
    )


def _first_language(locale: str | None, written: str | None) -> str:
    """What a new client is answered in: their Arabic words, else the locale, else words."""
    if written == "ar" or (written is not None and not locale):
        return written
    return _language_of(locale)


def _language_of(locale: str | None) -> str:
    """Arabic if the channel says so, English otherwise (the two languages we speak)."""
    return "ar" if locale and locale.lower().startswith("ar") else "en"


async def bind_console_identity(
    *,
    uow: UnitOfWork,
    clock: Clock,
    client_email: str | None = None,
    reader_slug: str | None = None,
) -> Identity:
    """The terminal is trusted (it has the database): act as a client or reader directly."""
    if (client_email is None) == (reader_slug is None):
        raise InvalidRequest("act as exactly one client or reader")
    now = clock.now()
    external = f"client:{client_email.lower()}" if client_email else f"reader:{reader_slug}"
    async with uow:
        existing = await uow.identities.find(Channel.CONSOLE, "", external)
        if existing is not None:
            return existing
        identity = Identity(
            id=uuid4(),
            channel=Channel.CONSOLE,
            workspace="",
            external_user_id=external,
            role=Role.CLIENT,
            chat_id=external,
            last_inbound_at=now,
        )
        if reader_slug is not None:
            reader = await uow.readers.get_by_slug(reader_slug)
            if reader is None:
                raise NotFound("no such reader", slug=reader_slug)
            identity = replace(
                identity, role=Role.READER, reader_id=reader.id, display_name=reader.name
            )
        else:
            assert client_email is not None
            client = await uow.clients.get_by_email(client_email)
            if client is None:
                client = Client(
                    id=uuid4(),
                    referral_code=new_referral_code(),
                    email=client_email.lower(),
                    preferred_channel=Channel.CONSOLE,
                    created_at=now,
                )
                await uow.clients.add(client)
            identity = replace(identity, client_id=client.id, display_name=client.name)
        await uow.identities.add(identity)
        await uow.commit()
    return identity
