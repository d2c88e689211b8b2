"""One-time email codes that let a known client sign in from a new chat account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class LoginChallenge:
    """A code sent to a client's email for one chat account; only its hash is kept."""

    id: UUID
    email: str
    client_id: UUID  # the client who owns the email
    identity_id: UUID  # the chat account asking to sign in as them
    code_hash: str
    created_at: datetime
    expires_at: datetime
    wrong_tries: int = 0
    used_at: datetime | None = None


class LoginCodeRepository(Protocol):
    """Login challenges."""

    async def add(self, challenge: LoginChallenge) -> None:
        """Store a new challenge.

        Args:
            challenge: The challenge (with the code's hash, never the code).
        """
        ...

    async def sent_since(self, email: str, since: datetime) -> list[datetime]:
        """When codes were sent to an email, for the per-hour limit.

        Args:
            email: The normalised email.
            since: Only codes created at or after this time.

        Returns:
            Their creation times, oldest first.
        """
        ...

    async def latest_for(self, identity_id: UUID) -> LoginChallenge | None:
        """The newest unused challenge of a chat account.

        Args:
            identity_id: The chat account that asked for a code.

        Returns:
            The challenge, or None.
        """
        ...

    async def count_wrong_try(self, challenge_id: UUID) -> None:
        """Add one to a challenge's wrong tries.

        Args:
            challenge_id: The challenge.
        """
        ...

    async def use(self, challenge_id: UUID, now: datetime) -> bool:
        """Mark a challenge used, in the statement that checks it is still unused.

        Args:
            challenge_id: The challenge.
            now: The time of use.

        Returns:
            False when it was already used (a second delivery of the same message).
        """
        ...

    async def discard(self, challenge_id: UUID) -> None:
        """Forget a challenge whose email could not be sent, so it does not count.

        Args:
            challenge_id: The challenge.
        """
        ...
