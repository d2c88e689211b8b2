"""A reader's follow-up sequences in chat: "follow-ups" lists them, a button switches one."""

from __future__ import annotations

from bots.conversations.deps import ChatDeps
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn
from bots.language._text import normalize
from bots.language.messages_followups import FollowUpMsg as M
from domain.crm import sequences
from domain.crm.sequences import SequenceKey
from domain.enums import Role

NAME = "fu"  # the first part of every button payload of this conversation
ROLES = frozenset({Role.READER})
WORDS = frozenset(
    normalize(w)
    for w in ("follow-ups", "follow ups", "followups", "sequences", "المتابعات", "رسائل المتابعة")
)
SWITCH = "sw"
NAMES = {
    SequenceKey.THANK_YOU: M.NAME_THANK_YOU,
    SequenceKey.NO_SHOW: M.NAME_NO_SHOW,
    SequenceKey.WIN_BACK: M.NAME_WIN_BACK,
    SequenceKey.BIRTHDAY: M.NAME_BIRTHDAY,
    SequenceKey.WELCOME: M.NAME_WELCOME,
    SequenceKey.PACKAGE_LOW: M.NAME_PACKAGE_LOW,
}


def intent(text: str) -> str | None:
    """The follow-ups entry, for a typed "follow-ups" in either language."""
    return "intent:follow_ups" if normalize(text) in WORDS else None


async def show(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Each ready-made sequence with its state; its button flips it."""
    states = await sequences.reader_sequences(
        uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id
    )
    buttons = tuple(
        Choice.of(
            turn.t(M.SEQUENCE_ON if s.active else M.SEQUENCE_OFF, name=turn.t(NAMES[s.key])),
            Action(NAME, SWITCH, f"{s.key}.{0 if s.active else 1}"),
        )
        for s in states
        if s.key in NAMES
    )
    return Step.end(Reply(turn.t(M.SEQUENCES), choices=buttons))


async def switch(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Turn one on or off, then show the list again."""
    key, _, on = (event.action.arg if event.action else "").rpartition(".")
    if key not in NAMES or on not in ("0", "1"):
        return await show(turn, event)
    await sequences.switch_sequence(
        uow=turn.deps.uows(), reader_id=turn.actor.person_id, key=key, active=on == "1"
    )
    said = turn.t(M.SWITCHED_ON if on == "1" else M.SWITCHED_OFF, name=turn.t(NAMES[key]))
    listed = await show(turn, event)
    return Step.end(Reply(said), *listed.replies)


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=NAME,
    roles=ROLES,
    entry={"intent:follow_ups": show},
    actions={SWITCH: switch},
)
