"""A reader's client segments in chat: "segments" lists the ready and saved ones with
their counts; "segment no booking in 60 days and sessions >= 3" counts a new rule and
offers to save it under a name (a rule that does not parse saves nothing).
"""

from __future__ import annotations

from enum import StrEnum

from bots.conversations.deps import ChatDeps
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn
from bots.language._text import normalize
from bots.language.messages_crm import CrmMsg as M
from domain.crm import segments as service
from domain.crm.segment_rules import SegmentRule, SegmentRuleError, describe_rule, parse_rule
from domain.enums import Role

NAME = "sg"  # the first part of every button payload of this conversation
LIST_WORDS = frozenset(
    normalize(w) for w in ("segments", "my segments", "الشرائح", "شرائحي", "شرائح")
)
RULE_WORDS = frozenset(normalize(w) for w in ("segment", "شريحة", "الشريحة"))


class State(StrEnum):
    """Where a new segment waits for its name."""

    NAME = "name"


class Verb(StrEnum):
    """Button verbs of the segment conversation (`sg:`)."""

    SAVE = "save"


def intent(text: str) -> str | None:
    """'segments' (the list) or 'segment <rule>' (count a new one)."""
    if normalize(text) in LIST_WORDS:
        return "intent:segments"
    head = normalize(text.strip().partition(" ")[0])
    return "intent:segment_rule" if head in RULE_WORDS else None


async def _count(turn: Turn[ChatDeps], rule: SegmentRule) -> int:
    return await service.segment_count(
        uow=turn.deps.uows(read_only=True), clock=turn.deps.clock,
        reader_id=turn.actor.person_id, rule=rule, marketing_only=False,
    )  # fmt: skip


def _label(turn: Turn[ChatDeps], segment: service.ResolvedSegment) -> str:
    """A library segment by its name in the reader's language; a saved one as saved."""
    ready = service.LIBRARY.get(segment.library_key or "")
    return ready.name(turn.actor.language) if ready else segment.name


async def list_all(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Every segment the reader can use, each with its count now, before they use one."""
    found = await service.list_segments(
        uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id
    )
    lines = [turn.t(M.SEGMENTS_HEADER)]
    for segment in found:
        rule = describe_rule(segment.rule, turn.actor.language)
        count = await _count(turn, segment.rule)
        lines.append(
            "• " + turn.t(M.SEGMENT_LINE, name=_label(turn, segment), count=count, rule=rule)
        )
    lines.append(turn.t(M.SEGMENTS_HINT))
    return Step.end(Reply("\n".join(lines)))


async def on_rule(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'segment <rule>': its plain description and count, and a Save button."""
    typed = (event.text or "").strip().partition(" ")[2]
    if not typed.strip():
        return Step.end(Reply(turn.t(M.RULE_HOW)))
    text = " ".join(typed.split())
    try:
        rule = parse_rule(text)
    except SegmentRuleError:
        return Step.end(Reply(turn.t(M.BAD_RULE)))
    count = await _count(turn, rule)
    turn.ctx["rule"] = text
    save = Choice.of(turn.t(M.SAVE_BUTTON), Action(NAME, Verb.SAVE))
    described = describe_rule(rule, turn.actor.language)
    return Step.stay(Reply(turn.t(M.RULE_COUNT, rule=described, count=count), choices=(save,)))


async def ask_name(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Save tapped: the name is asked (the rule waits in the context)."""
    if not turn.ctx.get("rule"):
        return Step.end(Reply(turn.t(M.SAVE_EXPIRED)))
    return Step.to(State.NAME, Reply(turn.t(M.ASK_NAME)))


async def on_name(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The name typed: saved (replacing a segment of that name), with its count."""
    rule_text = str(turn.ctx.get("rule") or "")
    if not rule_text:
        return Step.end(Reply(turn.t(M.SAVE_EXPIRED)))
    try:
        saved = await service.save_segment(
            uow=turn.deps.uows(), clock=turn.deps.clock, reader_id=turn.actor.person_id,
            name=event.text or "", rule_text=rule_text,
        )  # fmt: skip
    except SegmentRuleError:
        return Step.to(State.NAME, Reply(turn.t(M.BAD_NAME)))
    count = await _count(turn, saved.rule)
    return Step.end(Reply(turn.t(M.SAVED, name=saved.name, count=count)))


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=NAME,
    roles=frozenset({Role.READER}),
    entry={"intent:segments": list_all, "intent:segment_rule": on_rule},
    states={State.NAME: on_name},
    actions={Verb.SAVE: ask_name},
)
