"""Rating a reading from the thank-you message: a star button records it once, then an
optional comment is asked for. The button's booking id is checked against the client.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from bots.conversations.deps import ChatDeps
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn
from bots.language.messages_followups import FollowUpMsg as M
from domain.crm import ratings as service
from domain.crm.ratings import RatingOutcome
from domain.enums import Role

NAME = "rt"  # the first part of every button payload of this conversation
ROLES = frozenset({Role.CLIENT})
ANSWERS = {
    RatingOutcome.ALREADY: M.RATING_ALREADY,
    RatingOutcome.UNKNOWN: M.RATING_UNKNOWN,
    RatingOutcome.NOT_YET: M.RATING_NOT_YET,
}


class State(StrEnum):
    """Waiting for the optional comment."""

    COMMENT = "comment"


class Verb(StrEnum):
    """Button verbs of the ratings conversation (`rt:`)."""

    STARS = "s"
    SKIP = "skip"


def rating_choices(booking_id: str) -> tuple[Choice, ...]:
    """Five buttons, one star to five, each carrying the booking and its count."""
    return tuple(
        Choice.of("★" * n, Action(NAME, Verb.STARS.value, f"{booking_id}.{n}")) for n in range(1, 6)
    )


def _parse(arg: str) -> tuple[UUID, int] | None:
    booking, _, stars = arg.rpartition(".")
    try:
        return UUID(booking), int(stars)
    except ValueError:
        return None


async def on_stars(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Record the stars (once); a recorded rating asks for a few words."""
    parsed = _parse(event.action.arg if event.action else "")
    outcome = RatingOutcome.UNKNOWN
    if parsed is not None:
        outcome = await service.rate_booking(
            uow=turn.deps.uows(), client_id=turn.actor.person_id,
            booking_id=parsed[0], stars=parsed[1],
        )  # fmt: skip
    if parsed is None or outcome is not RatingOutcome.RECORDED:
        return Step.end(Reply(turn.t(ANSWERS[outcome])))
    turn.ctx["booking_id"] = str(parsed[0])
    skip = (Choice.of(turn.t(M.RATING_SKIP_BUTTON), Action(NAME, Verb.SKIP.value)),)
    return Step.to(State.COMMENT, Reply(turn.t(M.RATING_THANKS, stars="★" * parsed[1]), skip))


async def on_comment(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The typed words join the rating; the reader sees them in their ratings."""
    booking = turn.ctx.get("booking_id")
    text = event.text or ""
    if booking is None or not text.strip():
        return await on_skip(turn, event)
    await service.comment_booking(
        uow=turn.deps.uows(), client_id=turn.actor.person_id, booking_id=UUID(booking), text=text
    )
    return Step.end(Reply(turn.t(M.COMMENT_THANKS)))


async def on_skip(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """No words: the stars stand alone."""
    return Step.end(Reply(turn.t(M.COMMENT_SKIPPED)))


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=NAME,
    roles=ROLES,
    states={State.COMMENT: on_comment},
    actions={Verb.STARS: on_stars, Verb.SKIP: on_skip},
)
