"""Files the hub keeps itself (receipts, chart pictures), in the database beside the rest."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.files import MAX_FILE_BYTES
from storage.models.base import Base, stamp


class StoredFile(Base):
    """One file by the SHA-256 of its bytes: every web process and worker reads the same."""

    __tablename__ = "stored_files"
    __table_args__ = (
        sa.CheckConstraint(f"size >= 0 AND size <= {MAX_FILE_BYTES}", name="size_range"),
        sa.CheckConstraint("length(key) = 64", name="key_sha256"),
    )

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # sha256 hex
    content_type: Mapped[str] = mapped_column(sa.String(100))
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.Integer)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = stamp()
