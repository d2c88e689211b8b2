"""Campaigns in chat, for readers (their clients) and admins (the platform's):
"campaign" -> segment -> message -> offer code -> preview -> send now or schedule
("Friday 18:00", each client's own zone); "campaigns" lists them; "cancel campaign 2".
"""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from bots.conversations.deps import ChatDeps
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn
from bots.language._text import normalize
from bots.language._when import extract_when
from bots.language.messages_campaigns import CampaignMsg as M
from domain.crm import campaign_audience
from domain.crm import campaigns as service
from domain.crm.campaign_rules import CampaignRefused, Refusal
from domain.enums import CampaignStatus, Role
from domain.errors import NotFound

NAME = "cp"  # the first part of every button payload of this conversation
ROLES = frozenset({Role.READER, Role.ADMIN})
START_WORDS = frozenset(normalize(w) for w in ("campaign", "new campaign", "حملة", "حملة جديدة"))
LIST_WORDS = frozenset(normalize(w) for w in ("campaigns", "my campaigns", "الحملات", "حملاتي"))
CANCEL_WORDS = frozenset(normalize(w) for w in ("cancel campaign", "إلغاء الحملة", "ألغ الحملة"))
READY = (M.READY_OPENINGS, M.READY_MISS_YOU)
REFUSALS = {
    Refusal.NO_RECIPIENTS: M.NO_RECIPIENTS,
    Refusal.TOO_LONG: M.TOO_LONG,
    Refusal.PAST_TIME: M.PAST_TIME,
    Refusal.EMPTY: M.EMPTY,
    Refusal.CODE_TAKEN: M.BAD_CODE,
}
STATUS = {
    CampaignStatus.DRAFT: M.STATUS_DRAFT,
    CampaignStatus.SCHEDULED: M.STATUS_SCHEDULED,
    CampaignStatus.RUNNING: M.STATUS_RUNNING,
    CampaignStatus.DONE: M.STATUS_DONE,
    CampaignStatus.CANCELLED: M.STATUS_CANCELLED,
}


class State(StrEnum):
    """Where a campaign being written waits for typed text."""

    SEGMENT = "segment"
    MESSAGE = "message"
    CODE = "code"
    WHEN = "when"


class Verb(StrEnum):
    """Button verbs of the campaign conversation (`cp:`)."""

    SEGMENT = "seg"
    READY = "ready"
    NO_CODE = "nocode"
    NOW = "now"
    SCHEDULE = "sched"


def intent(text: str) -> str | None:
    """The campaign entry a typed line asks for, if any."""
    plain = normalize(text)
    if plain in START_WORDS:
        return "intent:campaign"
    if plain in LIST_WORDS:
        return "intent:campaigns"
    head, _, number = plain.rpartition(" ")
    return "intent:cancel_campaign" if head in CANCEL_WORDS and number.isdigit() else None


def _owner(turn: Turn[ChatDeps]) -> UUID | None:
    """The reader, or None: an admin's campaigns are the platform's."""
    return turn.actor.person_id if turn.actor.role is Role.READER else None


def _button(label: str, verb: Verb, arg: str = "") -> Choice:
    return Choice.of(label, Action(NAME, verb.value, arg))


async def start(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Pick who it goes to: the library's segments as buttons, or a saved one by name."""
    turn.ctx.clear()
    names = await campaign_audience.segment_names(turn.deps.uows, _owner(turn))
    buttons = tuple(_button(name, Verb.SEGMENT, name) for name in names[:10])
    return Step.to(State.SEGMENT, Reply(turn.t(M.PICK_SEGMENT), choices=buttons))


async def on_segment(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The segment typed or tapped; an unknown one is asked again."""
    name = (event.action.arg if event.action else event.text or "").strip()
    found = await campaign_audience.resolve(turn.deps.uows, _owner(turn), name) if name else None
    if found is None:
        return Step.to(State.SEGMENT, Reply(turn.t(M.UNKNOWN_SEGMENT, segment=name)))
    turn.ctx["segment"] = name
    ready = tuple(_button(turn.t(m), Verb.READY, str(i)) for i, m in enumerate(READY))
    return Step.to(State.MESSAGE, Reply(turn.t(M.WRITE_MESSAGE), choices=ready))


async def on_message(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The text (or a ready one); an offer code is asked next."""
    if event.action is not None and event.action.arg.isdigit():
        body = turn.t(READY[int(event.action.arg) % len(READY)])
    else:
        body = (event.text or "").strip()
    if not body:
        return Step.to(State.MESSAGE, Reply(turn.t(M.EMPTY)))
    turn.ctx["body"] = body
    skip = (_button(turn.t(M.NO_CODE_BUTTON), Verb.NO_CODE),)
    return Step.to(State.CODE, Reply(turn.t(M.ASK_CODE), choices=skip))


async def on_code(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Write the draft and preview it: count and channels, or why it cannot go."""
    code = None if event.action is not None else (event.text or "").strip() or None
    draft = service.CampaignDraft(
        _owner(turn), turn.ctx.get("segment", ""), turn.ctx.get("body", ""), offer_code=code
    )
    deps = turn.deps
    try:
        made = await service.create_campaign(uows=deps.uows, clock=deps.clock, draft=draft)
        preview = await service.preview_campaign(
            uows=deps.uows, clock=deps.clock, campaign_id=made.id, reader_id=_owner(turn)
        )
    except CampaignRefused as refused:
        return _refused(turn, refused)
    turn.ctx["campaign_id"] = str(made.id)
    channels = ", ".join(f"{n} {ch.value}" for ch, n in sorted(preview.channels.items()))
    text = turn.t(M.PREVIEW, name=made.name, count=preview.count, channels=channels)
    buttons = (
        _button(turn.t(M.SEND_NOW_BUTTON), Verb.NOW, str(made.id)),
        _button(turn.t(M.SCHEDULE_BUTTON), Verb.SCHEDULE, str(made.id)),
    )
    return Step.end(Reply(text, choices=buttons))  # the buttons carry the campaign


def _refused(turn: Turn[ChatDeps], refused: CampaignRefused) -> Step:
    """Say why; a message or code that can be fixed is asked for again."""
    params = refused.params
    if refused.reason is Refusal.UNKNOWN_SEGMENT:
        return Step.to(State.SEGMENT, Reply(turn.t(M.UNKNOWN_SEGMENT, **params)))
    text = turn.t(REFUSALS.get(refused.reason, M.NO_RECIPIENTS), **params)
    if refused.reason in (Refusal.TOO_LONG, Refusal.EMPTY):
        return Step.to(State.MESSAGE, Reply(text))
    if refused.reason is Refusal.CODE_TAKEN:
        return Step.to(State.CODE, Reply(text))
    if refused.reason is Refusal.PAST_TIME:
        return Step.to(State.WHEN, Reply(text))
    return Step.end(Reply(text))


async def send_now(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Confirmed for now: the run-campaigns flow sends it within a minute."""
    return await _confirm(turn, _campaign_id(turn, event), None)


async def ask_time(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Schedule: ask for the day and time."""
    turn.ctx["campaign_id"] = str(_campaign_id(turn, event))
    return Step.to(State.WHEN, Reply(turn.t(M.ASK_TIME)))


async def on_time(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'Friday 18:00', read in the sender's zone, sent at that wall time in each client's."""
    zone = turn.actor.timezone
    today = turn.now.astimezone(ZoneInfo(zone)).date()
    when = extract_when(normalize(event.text or ""), today=today, zone=zone)
    if when.date_invalid or (when.day is None and when.time_of_day is None):
        return Step.to(State.WHEN, Reply(turn.t(M.BAD_TIME)))
    local = datetime.combine(when.day or today, when.time_of_day or time(9, 0))
    return await _confirm(turn, _campaign_id(turn, event), local)


def _campaign_id(turn: Turn[ChatDeps], event: InboundEvent) -> UUID:
    arg = event.action.arg if event.action is not None and event.action.arg else None
    return UUID(arg or turn.ctx["campaign_id"])


async def _confirm(turn: Turn[ChatDeps], campaign_id: UUID, local: datetime | None) -> Step:
    try:
        confirmed = await service.confirm_campaign(
            uows=turn.deps.uows, clock=turn.deps.clock, campaign_id=campaign_id,
            reader_id=_owner(turn), send_at_local=local, zone=turn.actor.timezone,
        )  # fmt: skip
        preview = await service.preview_campaign(
            uows=turn.deps.uows,
            clock=turn.deps.clock,
            campaign_id=campaign_id,
            reader_id=_owner(turn),
        )
    except CampaignRefused as refused:
        return _refused(turn, refused)
    if confirmed.scheduled_local is None:
        return Step.end(Reply(turn.t(M.SENDING, count=preview.count)))
    when = confirmed.scheduled_local.strftime("%Y-%m-%d %H:%M")
    return Step.end(Reply(turn.t(M.SCHEDULED, when=when, count=preview.count)))


async def list_recent(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Numbered newest first; the number is what "cancel campaign N" takes."""
    recent = await service.list_campaigns(uows=turn.deps.uows, reader_id=_owner(turn))
    if not recent:
        return Step.end(Reply(turn.t(M.NO_CAMPAIGNS)))
    lines = [turn.t(M.LIST_HEADER)]
    for number, campaign in enumerate(recent, start=1):
        report = await service.campaign_report(
            uows=turn.deps.uows, campaign_id=campaign.id, reader_id=_owner(turn)
        )
        status = turn.t(STATUS[campaign.status])
        lines.append(
            turn.t(M.LIST_LINE, number=number, name=campaign.name, status=status, sent=report.sent)
        )
    return Step.end(Reply("\n".join(lines)))


async def cancel(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'cancel campaign 2': the second of the list; its pending messages are skipped."""
    number = int(normalize(event.text or "").rpartition(" ")[2] or 0)
    recent = await service.list_campaigns(uows=turn.deps.uows, reader_id=_owner(turn))
    if not 1 <= number <= len(recent):
        return Step.end(Reply(turn.t(M.NO_SUCH, number=number)))
    campaign = recent[number - 1]
    try:
        skipped = await service.cancel_campaign(
            uows=turn.deps.uows,
            clock=turn.deps.clock,
            campaign_id=campaign.id,
            reader_id=_owner(turn),
        )
    except (CampaignRefused, NotFound):
        status = turn.t(STATUS[campaign.status])
        return Step.end(Reply(turn.t(M.NOT_CANCELLABLE, number=number, status=status)))
    return Step.end(Reply(turn.t(M.CANCELLED, number=number, skipped=skipped)))


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=NAME,
    roles=ROLES,
    entry={
        "intent:campaign": start,
        "intent:campaigns": list_recent,
        "intent:cancel_campaign": cancel,
    },
    states={
        State.SEGMENT: on_segment,
        State.MESSAGE: on_message,
        State.CODE: on_code,
        State.WHEN: on_time,
    },
    actions={
        Verb.SEGMENT: on_segment,
        Verb.READY: on_message,
        Verb.NO_CODE: on_code,
        Verb.NOW: send_now,
        Verb.SCHEDULE: ask_time,
    },
)
