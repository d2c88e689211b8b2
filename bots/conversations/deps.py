"""What conversation steps may use: the domain's ports, never SQL or an SDK."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.clock import Clock
from domain.ports.storage import UnitOfWorkFactory


@dataclass(frozen=True)
class ChatDeps:
    """Dependencies shared by every step; built once by hub/."""

    uow: UnitOfWorkFactory
    clock: Clock
    hold_for: timedelta = timedelta(minutes=10)
    brand: str = "Samia"
    default_timezone: str = "UTC"
    public_url: str = "http://127.0.0.1:8000"
    reader_names: list[str] = field(default_factory=list)
