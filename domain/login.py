"""A returning client on a new chat account proves their email with a one-time code.

An email that belongs to another client is never refused outright (that locked people out
and told strangers which emails are clients): a 6-digit code goes to it, and the right
code makes this chat account that client's. Codes live 10 minutes, at most 3 are sent to
one email per hour, and 5 wrong tries spend a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.clock import Clock
from domain.errors import CodeExpired, NotFound, TooManyAttempts, WrongCode
from domain.models import Client
from domain.ports.login import LoginChallenge
from domain.ports.storage import UnitOfWork

LOGIN_CODE_TTL = timedelta(minutes=10)
SENDS_PER_HOUR = 3
SEND_WINDOW = timedelta(hours=1)
WRONG_TRIES_ALLOWED = 5
CODE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class EmailClaim:
    """What giving an email led to: saved on this client, or a code to send to it."""

    email: str
    code: str | None = None  # set when the email is another client's: send it, then ask
    challenge_id: UUID | None = None
    expires_at: datetime | None = None

    @property
    def needs_code(self) -> bool:
        """The email is another client's: the person must prove it is theirs."""
        return self.code is not None


def normalise_email(email: str) -> str:
    """One spelling per address: mail providers ignore case, so do we."""
    return email.strip().lower()


async def claim_email(
    *, uow: UnitOfWork, clock: Clock, client_id: UUID, identity_id: UUID, email: str
) -> EmailClaim:
    """Save a new email on this client, or make a code for the client who already has it.

    Raises:
        TooManyAttempts: Three codes went to this email in the last hour.
    """
    email = normalise_email(email)
    now = clock.now()
    async with uow:
        client = await uow.clients.get(client_id)
        if client is None:
            raise NotFound("client not found")
        owner = await uow.clients.get_by_email(email)
        if owner is None or owner.id == client.id:
            client.email = email
            await uow.clients.save(client)
            await uow.commit()
            return EmailClaim(email=email)
        sent = await uow.login_codes.sent_since(email, now - SEND_WINDOW)
        if len(sent) >= SENDS_PER_HOUR:
            raise TooManyAttempts("too many codes sent", retry_at=sent[0] + SEND_WINDOW)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        challenge = LoginChallenge(
            id=uuid4(),
            email=email,
            client_id=owner.id,
            identity_id=identity_id,
            code_hash="",
            created_at=now,
            expires_at=now + LOGIN_CODE_TTL,
        )
        challenge = replace(challenge, code_hash=_code_hash(challenge.id, code))
        await uow.login_codes.add(challenge)
        await uow.commit()
    return EmailClaim(
        email=email, code=code, challenge_id=challenge.id, expires_at=challenge.expires_at
    )


async def withdraw_code(*, uow: UnitOfWork, challenge_id: UUID) -> None:
    """The email with the code could not be sent: it must not count against the limit."""
    async with uow:
        await uow.login_codes.discard(challenge_id)
        await uow.commit()


async def enter_code(*, uow: UnitOfWork, clock: Clock, identity_id: UUID, code: str) -> Client:
    """The right code makes this chat account the email owner's; their bookings follow.

    Whatever the chat account did before (a hold, bookings made on this channel) moves to
    the owner too, so nothing made before signing in is lost.

    Raises:
        CodeExpired: No code is waiting for this chat account.
        TooManyAttempts: Five wrong tries spent the code.
        WrongCode: Not the code; `tries_left` says how many remain.
    """
    now = clock.now()
    async with uow:
        challenge = await uow.login_codes.latest_for(identity_id)
        if challenge is None or challenge.expires_at <= now:
            raise CodeExpired("no code waiting")
        if challenge.wrong_tries >= WRONG_TRIES_ALLOWED:
            raise TooManyAttempts("too many wrong codes", retry_at=challenge.expires_at)
        typed = "".join(ch for ch in code if not ch.isspace())
        if not hmac.compare_digest(_code_hash(challenge.id, typed), challenge.code_hash):
            await uow.login_codes.count_wrong_try(challenge.id)
            await uow.commit()
            tries_left = WRONG_TRIES_ALLOWED - challenge.wrong_tries - 1
            if tries_left <= 0:
                raise TooManyAttempts("too many wrong codes", retry_at=challenge.expires_at)
            raise WrongCode("wrong code", tries_left=tries_left)
        if not await uow.login_codes.use(challenge.id, now):
            raise CodeExpired("code already used")
        owner = await uow.clients.get(challenge.client_id)
        chat_account = await uow.identities.get(identity_id)
        if owner is None or chat_account is None:
            raise NotFound("client or chat account not found")
        if chat_account.client_id is not None and chat_account.client_id != owner.id:
            await uow.bookings.move_to_client(chat_account.client_id, owner.id)
        await uow.identities.save(replace(chat_account, client_id=owner.id))
        await uow.commit()
    return owner


def _code_hash(challenge_id: UUID, code: str) -> str:
    """Keyed by the challenge, so one table of hashes of all million codes does not fit all."""
    return hashlib.sha256(f"{challenge_id.hex}:{code}".encode()).hexdigest()
