"""Declarative base with a naming convention so migrations name constraints predictably."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of every table."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), uuid.UUID: sa.Uuid()}


def uuid_pk() -> Mapped[uuid.UUID]:
    """Random UUID primary keys: safe to create in any process before the insert."""
    return mapped_column(sa.Uuid(), primary_key=True, default=uuid.uuid4)


def stamp() -> Mapped[datetime]:
    """A required timestamp, set by the application clock (the database's is not injectable)."""
    return mapped_column(UTCDateTime(), nullable=False)
