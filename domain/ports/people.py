"""Clients and the chat identities that point at them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.enums import Channel
from domain.models import (
    Client,
    Identity,
)


class ClientRepository(Protocol):
    """Clients."""

    async def get(self, client_id: UUID) -> Client | None:
        """One client.

        Args:
            client_id: Our id.

        Returns:
            The client, or None.
        """
        ...

    async def get_by_email(self, email: str) -> Client | None:
        """One client by email (case-insensitive).

        Args:
            email: The address.

        Returns:
            The client, or None.
        """
        ...

    async def add(self, client: Client) -> None:
        """Insert a client.

        Args:
            client: The new client.
        """
        ...

    async def newest(self, limit: int) -> list[Client]:
        """The most recently created clients.

        Args:
            limit: Most rows.

        Returns:
            Clients, newest first.
        """
        ...

    async def save(self, client: Client) -> None:
        """Write changed contact details and preferences.

        Args:
            client: The client as changed.
        """
        ...


class IdentityRepository(Protocol):
    """Chat accounts and one-time link codes."""

    async def admin_id(self, email: str, name: str) -> UUID:
        """The platform admin with this email, added when there is none yet.

        Args:
            email: The admin's email (lower case), their identity as an operator.
            name: Their name, used when the admin is new.

        Returns:
            The admin's id.
        """
        ...

    async def get(self, identity_id: UUID) -> Identity | None:
        """One chat account by our id.

        Args:
            identity_id: Our id.

        Returns:
            The identity, or None.
        """
        ...

    async def find(
        self, channel: Channel, workspace: str, external_user_id: str
    ) -> Identity | None:
        """The identity of a chat account.

        Args:
            channel: The channel.
            workspace: Team / page id, or "".
            external_user_id: The platform's user id.

        Returns:
            The identity, or None for a first contact.
        """
        ...

    async def add(self, identity: Identity) -> None:
        """Insert an identity.

        Args:
            identity: The new identity.
        """
        ...

    async def save(self, identity: Identity) -> None:
        """Update owner, locale, chat id and last inbound time.

        Args:
            identity: The identity as changed.
        """
        ...

    async def for_client(self, client_id: UUID) -> list[Identity]:
        """Every chat account of a client, most recently active first.

        Args:
            client_id: The client.

        Returns:
            Identities.
        """
        ...

    async def for_reader(self, reader_id: UUID) -> list[Identity]:
        """Every chat account of a reader, most recently active first.

        Args:
            reader_id: The reader.

        Returns:
            Identities.
        """
        ...

    async def add_link_code(
        self,
        *,
        code_hash: str,
        reader_id: UUID | None,
        admin_id: UUID | None,
        expires_at: datetime,
        now: datetime,
    ) -> None:
        """Store a one-time link code (hashed).

        Args:
            code_hash: sha256 hex of the code.
            reader_id: The reader it links, or None.
            admin_id: The admin it links, or None.
            expires_at: When it stops working.
            now: Creation time.
        """
        ...

    async def consume_link_code(
        self, code_hash: str, now: datetime
    ) -> tuple[UUID | None, UUID | None] | None:
        """Use a link code once.

        Args:
            code_hash: sha256 hex of the code.
            now: Codes expired at this instant are refused.

        Returns:
            (reader_id, admin_id) it links, or None if unknown, used or expired.
        """
        ...
