"""The channel-agnostic conversation engine every chat adapter shares."""

from bots.engine.actions import Action, InvalidAction
from bots.engine.conversation import END, Actor, Conversation, Step, StepHandler, Translator, Turn
from bots.engine.events import EventKind, InboundEvent
from bots.engine.replies import Choice, HubFile, Reply
from bots.engine.runner import Engine, IdentityResolver, Interpretation, typed_phrase
from bots.engine.store import (
    ConversationStore,
    MemoryConversationStore,
    StaleConversation,
    StoredConversation,
)
from domain.ports.files import InboundFile

__all__ = (
    "END",
    "Action",
    "Actor",
    "Choice",
    "Conversation",
    "ConversationStore",
    "Engine",
    "EventKind",
    "HubFile",
    "IdentityResolver",
    "InboundEvent",
    "InboundFile",
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
