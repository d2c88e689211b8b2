"""What flows run with: storage, clock, notifier and connectors, handed in by the caller.

Flow parameters must be plain data (a worker may run them in another process), so
connectors, storage and the notifier come from here. Whoever starts runs installs them
with `use_deps` (a `ContextVar`, as Prefect's own contexts do); a process where nothing
is installed (a Prefect worker running a deployment) uses the builder the composition
root registered with `register_deps_builder` (hub/flow_entrypoints.py does so).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from uuid import UUID

from domain.analytics.digest import ChartImage
from domain.clock import Clock
from domain.enums import Channel
from domain.ports.accounts import AccountsResolver
from domain.ports.audience import EmailAudience
from domain.ports.documents import DocumentRenderer
from domain.ports.email import EmailWriter, Mailer
from domain.ports.files import ChannelFiles
from domain.ports.fx import FxRateSource
from domain.ports.notify import Notifier
from domain.ports.payments import PaymentProvider
from domain.ports.storage import UnitOfWorkFactory

Closer = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RunPolicy:
    """How tasks retry inside one flow run and how many rows run at once."""

    retries: int = 3  # extra tries of a row after a transient failure, inside the run
    backoff_seconds: float = 1.0  # first retry delay; doubles each time
    longest_wait_seconds: float = 30.0  # a Retry-After beyond this goes back to the outbox
    concurrency: int = 16  # bookings handled at the same time


@dataclass
class FlowDeps:
    """Storage, clock, notifier and connectors for flow runs in this process."""

    uows: UnitOfWorkFactory
    clock: Clock
    notifier: Notifier
    accounts: AccountsResolver
    # Refunds go back through the provider that took the money, found by its name.
    payments: dict[str, PaymentProvider] = field(default_factory=dict)
    policy: RunPolicy = field(default_factory=RunPolicy)
    fx_rates: FxRateSource | None = None  # where sync-fx-rates fetches reference rates
    # Invoices sent to clients: the PDF, a signed link to it, and the email it is attached to.
    documents: DocumentRenderer | None = None
    invoice_link: Callable[[UUID], str] | None = None
    # A payout's statement PDF, as a signed link the reader's chat receives as a document.
    statement_link: Callable[[UUID], str] | None = None
    mailer: Mailer | None = None
    # Draws a chart and gives the link chats send it by (the weekly digest's chart).
    chart_image: ChartImage | None = None
    emails: EmailWriter | None = None
    # Receipts people sent in chat are fetched from their platform by these, per channel.
    channel_files: dict[Channel, ChannelFiles] = field(default_factory=dict)
    # The email audience sync-mailchimp keeps (Mailchimp, or the built-in outbox).
    audience: EmailAudience | None = None
    audience_id: str = "builtin"
    closers: list[Closer] = field(default_factory=list)
    # Set when this process shuts down: a run that keeps taking new rows stops doing so.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def aclose(self) -> None:
        """Close connectors, channel sessions and the database, newest first."""
        for close in reversed(self.closers):
            await close()
        self.closers.clear()


DepsBuilder = Callable[[], Awaitable[FlowDeps]]

_current: ContextVar[FlowDeps | None] = ContextVar("samia_flow_deps", default=None)
# A plain global, not a ContextVar: it is registered when an entrypoint module is
# imported, which may be another thread than the one a worker runs the flow in.
_builder: list[DepsBuilder] = []


@contextmanager
def use_deps(deps: FlowDeps) -> Iterator[FlowDeps]:
    """Run flows in this context with `deps` (the hub's runtime, a test's fakes)."""
    token = _current.set(deps)
    try:
        yield deps
    finally:
        _current.reset(token)


def register_deps_builder(builder: DepsBuilder | None) -> None:
    """What `current_deps()` calls when nothing is installed; None forgets it.

    The builder owns what it builds (it may hand out the same deps on every call).
    """
    _builder[:] = [builder] if builder is not None else []


async def current_deps() -> FlowDeps:
    """The installed dependencies, else the registered builder's."""
    deps = _current.get()
    if deps is not None:
        return deps
    if not _builder:
        raise RuntimeError(
            "no flow dependencies: run flows under use_deps(...) or from hub.flow_entrypoints"
        )
    return await _builder[0]()
