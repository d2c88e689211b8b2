"""The engine: resolve the sender, load state, run one step, save, return replies."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol

from bots.engine.conversation import (
    END,
    Actor,
    Conversation,
    DepsT,
    Step,
    StepHandler,
    Translator,
    Turn,
)
from bots.engine.events import EventKind, InboundEvent
from bots.engine.replies import Reply
from bots.engine.store import ConversationStore, StaleConversation, StoredConversation
from domain.clock import Clock

log = logging.getLogger(__name__)


class IdentityResolver(Protocol):
    """Turns a channel account into one of our people, creating a client on first contact."""

    async def resolve(self, event: InboundEvent) -> Actor:
        """Who sent this event.

        Args:
            event: The inbound event.

        Returns:
            The actor, with their language and timezone.
        """
        ...


@dataclass(frozen=True, slots=True)
class Interpretation:
    """What free text means: an entry key (`intent:book`) and the parsed details."""

    entry: str | None
    detail: Any = None


Interpreter = Callable[[Turn[Any], str], Awaitable[Interpretation]]
Fallback = Callable[[Turn[Any], str], Awaitable[Step]]


class Engine(Generic[DepsT]):
    """Channel-agnostic conversation runner shared by every adapter."""

    def __init__(
        self,
        *,
        conversations: Sequence[Conversation[DepsT]],
        store: ConversationStore,
        identities: IdentityResolver,
        clock: Clock,
        deps: DepsT,
        translator_for: Callable[[str], Translator],
        interpret: Interpreter,
        fallback: Fallback,
        global_entries: Mapping[str, str] | None = None,
        typed_commands: Mapping[str, str] | None = None,
    ) -> None:
        """Wire conversations and ports; `fallback(turn, reason)` answers what nothing else does.

        `global_entries` maps commands such as `help` or `cancel` to an entry key of some
        conversation, so they work from any state. `typed_commands` does the same for whole
        typed phrases ("my bookings", "start over", "مساعدة"): a person who types one in
        the middle of a question means the command, not an answer to the question.
        """
        self._conversations = {c.name: c for c in conversations}
        self._store = store
        self._identities = identities
        self._clock = clock
        self._deps = deps
        self._translator_for = translator_for
        self._interpret = interpret
        self._fallback = fallback
        self._global_entries = dict(global_entries or {})
        self._typed_commands = {typed_phrase(k): v for k, v in (typed_commands or {}).items()}
        # One lock per conversation key: events of one chat run one at a time, in order.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def handle(self, event: InboundEvent) -> list[Reply]:
        """Run one event through its conversation and return what to send back."""
        lock = self._locks.get(event.conversation_key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[event.conversation_key] = lock
        async with lock:
            return await self._handle_locked(event)

    async def _handle_locked(self, event: InboundEvent) -> list[Reply]:
        actor = await self._identities.resolve(event)
        now = self._clock.now()
        key = event.conversation_key
        stored = await self._store.load(key) or StoredConversation()
        if stored.expires_at is not None and stored.expires_at <= now:
            stored = StoredConversation(version=stored.version)
        turn = Turn(
            actor=actor,
            event=event,
            ctx=dict(stored.context),
            now=now,
            deps=self._deps,
            translator=self._translator_for(actor.language),
        )
        try:
            conversation, step = await self._run(turn, event, stored)
        except Exception:
            log.exception("step failed for %s", key)
            return [
                Reply(
                    turn.t(
                        "Something went wrong on our side. Nothing was changed; please try again."
                    )
                )
            ]
        self._advance(stored, conversation, step, turn, now)
        try:
            await self._store.save(key, stored, now=now)
        except StaleConversation:
            return [Reply(turn.t("Please wait a moment, I'm still working on your last message."))]
        return list(step.replies)

    async def _run(
        self, turn: Turn[DepsT], event: InboundEvent, stored: StoredConversation
    ) -> tuple[Conversation[DepsT] | None, Step]:
        """Pick the handler: button verb, command, typed text in a state, or free text."""
        if event.kind is EventKind.ACTION and event.action is not None:
            conversation = self._conversations.get(event.action.conversation)
            handler = conversation.actions.get(event.action.verb) if conversation else None
            if conversation and handler and turn.actor.role in conversation.roles:
                return conversation, await handler(turn, event)
            return None, await self._fallback(turn, "stale_action")
        if event.kind is EventKind.CONTACT:  # a shared phone number: the `contact` entry
            found = self._entry(EventKind.CONTACT.value, turn)
            if found:
                return found[0], await found[1](turn, event)
            return None, await self._fallback(turn, "not_understood")
        if event.kind is EventKind.ATTACHMENT and event.files:
            # Files without a word: the `attachment` entry of whoever has one (a reader's
            # receipt); for anyone else they are answered as before, like any attachment.
            found = self._entry(EventKind.ATTACHMENT.value, turn)
            if found:
                return found[0], await found[1](turn, event)
        if event.kind is EventKind.COMMAND and event.command:
            found = self._entry(self._global_entries.get(event.command, event.command), turn)
            if found:
                return found[0], await found[1](turn, event)
            return None, await self._fallback(turn, "unknown_command")
        current = self._conversations.get(stored.conversation or "")
        state_handler = current.states.get(stored.state or "") if current else None
        typed = self._typed_commands.get(typed_phrase(event.text or ""))
        found = self._entry(typed, turn) if current and typed else None
        if found:
            return found[0], await found[1](turn, event)
        if current and state_handler and turn.actor.role in current.roles:
            return current, await state_handler(turn, event)
        interpretation = await self._interpret(turn, event.text or "")
        turn.intent = interpretation.detail
        found = self._entry(interpretation.entry, turn) if interpretation.entry else None
        if found:
            return found[0], await found[1](turn, event)
        return None, await self._fallback(turn, "not_understood")

    def _entry(
        self, key: str | None, turn: Turn[DepsT]
    ) -> tuple[Conversation[DepsT], StepHandler[DepsT]] | None:
        if key is None:
            return None
        for conversation in self._conversations.values():
            if turn.actor.role in conversation.roles and key in conversation.entry:
                return conversation, conversation.entry[key]
        return None

    @staticmethod
    def _advance(
        stored: StoredConversation,
        conversation: Conversation[DepsT] | None,
        step: Step,
        turn: Turn[DepsT],
        now: datetime,
    ) -> None:
        """Apply a step's outcome to the stored state (version is handled by the store)."""
        if step.next_state == END:
            stored.conversation, stored.state, stored.context = None, None, {}
            stored.expires_at = None
            return
        if conversation is not None and (
            step.next_state is not None or stored.conversation != conversation.name
        ):
            stored.conversation = conversation.name
            stored.state = step.next_state
        stored.context = turn.ctx
        timeout = conversation.timeout if conversation else None
        stored.expires_at = now + timeout if timeout else stored.expires_at


def typed_phrase(text: str) -> str:
    """A typed phrase as the command table holds it: lower case, single spaces, no end mark."""
    return " ".join(text.lower().split()).rstrip(".!?؟")
