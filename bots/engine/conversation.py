"""Conversations as data: states mapped to step functions, as PTB's ConversationHandler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bots.engine.events import InboundEvent
from bots.engine.replies import Reply
from domain.enums import Role

if TYPE_CHECKING:
    # Only for the annotation: the engine runs without the language package loaded.
    from bots.language.intents import Intent

DepsT = TypeVar("DepsT")

END = "__end__"


class Translator(Protocol):
    """Message catalog of one language."""

    def gettext(self, message: str, **params: object) -> str:
        """Translate a message and fill its `{placeholders}`.

        Args:
            message: The English message id.
            **params: Values for the placeholders.

        Returns:
            The translated, filled text.
        """
        ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent the event, resolved from the channel identity."""

    role: Role
    person_id: Any  # UUID of the client / reader / admin
    language: str
    timezone: str
    name: str | None = None
    identity_id: Any = None
    is_new: bool = False


@dataclass(slots=True)
class Turn(Generic[DepsT]):
    """Everything a step may use: who, what they said, context, the clock's now, services."""

    actor: Actor
    event: InboundEvent
    ctx: dict[str, Any]
    now: datetime
    deps: DepsT
    translator: Translator
    intent: Intent | None = None

    def t(self, message: str, **params: object) -> str:
        """Translate into the actor's language."""
        return self.translator.gettext(message, **params)


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of one step: where the conversation goes and what to say."""

    next_state: str | None
    replies: tuple[Reply, ...] = ()
    conversation: str | None = None

    @classmethod
    def to(cls, state: str, *replies: Reply) -> Step:
        """Move to another state of the same conversation."""
        return cls(next_state=state, replies=replies)

    @classmethod
    def stay(cls, *replies: Reply) -> Step:
        """Stay in the current state (PTB's `None`)."""
        return cls(next_state=None, replies=replies)

    @classmethod
    def end(cls, *replies: Reply) -> Step:
        """Finish the conversation and forget its context."""
        return cls(next_state=END, replies=replies)


StepHandler = Callable[[Turn[DepsT], InboundEvent], Awaitable[Step]]


@dataclass(frozen=True)
class Conversation(Generic[DepsT]):
    """A named flow: entry points, a handler per state, button handlers, a timeout.

    `entry` maps commands (`book`) and intent kinds (`intent:book`) to the step that starts
    the conversation; `actions` maps button verbs to steps that work from any state, so an
    old button still does something sensible; `states` handles typed text in a state.
    """

    name: str
    roles: frozenset[Role]
    entry: Mapping[str, StepHandler[DepsT]] = field(default_factory=dict)
    states: Mapping[str, StepHandler[DepsT]] = field(default_factory=dict)
    actions: Mapping[str, StepHandler[DepsT]] = field(default_factory=dict)
    timeout: timedelta = timedelta(minutes=30)
