"""The channel-agnostic conversation engine every chat adapter shares."""

from bots.engine.actions import Action, InvalidAction
from bots.engine.conversation import END, Actor, Conversation, Step, StepHandler, Translator, Turn
from bots.engine.events import EventKind, InboundEvent
from bots.engine.replies import Choice, Reply
from bots.engine.runner import Engine, IdentityResolver, Interpretation, typed_phrase
from bots.engine.store import (
    ConversationStore,
    MemoryConversationStore,
    StaleConversation,
    StoredConversation,
)

__all__ = (
    "END",
    "Action",
    "Actor",
    "Choice",
    "Conversation",
    "ConversationStore",
    "Engine",
    "EventKind",
    "IdentityResolver",
    "InboundEvent",
    "Interpretation",
    "InvalidAction",
    "MemoryConversationStore",
    "Reply",
    "StaleConversation",
    "Step",
    "StepHandler",
    "StoredConversation",
    "Translator",
    "Turn",
    "typed_phrase",
)
