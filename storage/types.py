"""Column types that enforce the project's conventions at the storage boundary."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out; SQLite has no zone so it is restored on load."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes: storing one would silently shift by the server's zone."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; use UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC whatever the backend gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_cls: type[StrEnum], length: int = 32) -> sa.Enum:
    """Store a StrEnum by value as VARCHAR + CHECK, portable across SQLite and PostgreSQL."""
    return sa.Enum(
        enum_cls,
        name=f"{enum_cls.__name__.lower()}_values",
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def money_checks(table: str, *columns: str) -> list[sa.CheckConstraint]:
    """Money is never negative; direction lives in the row's meaning, not the sign."""
    return [sa.CheckConstraint(f"{col} >= 0", name=f"{col}_nonneg") for col in columns]


def currency_check(table: str, column: str = "currency") -> sa.CheckConstraint:
    """ISO 4217 codes are three upper-case letters."""
    return sa.CheckConstraint(
        f"length({column}) = 3 AND upper({column}) = {column}", name=f"{column}_iso"
    )


JSONType: Any = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
