"""A client's loyalty in chat: points per reader, inviting a friend, spending points.

`/start ref_CODE` (a Telegram deep link, or the web page's `?ref=CODE`) is a referral
step: the code is taken or refused with the reason, then the usual welcome follows.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from bots.conversations import account
from bots.conversations.common import client_menu
from bots.conversations.deps import ChatDeps
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn, typed_phrase
from bots.language import format_day, format_money, format_when
from bots.language.messages_loyalty import LoyaltyMsg as Msg
from domain.crm import loyalty, redemption, referrals
from domain.crm.loyalty_rules import REFERRAL_BONUS
from domain.enums import Role

NAME = "ly"


class Verb(StrEnum):
    """Button verbs of the loyalty conversation (`ly:`)."""

    POINTS = "points"
    REFER = "refer"
    REDEEM = "redeem"


WORDS = {
    **dict.fromkeys(("points", "my points", "loyalty", "نقاطي", "النقاط", "نقاط"), "points"),
    **dict.fromkeys(
        (
            "refer",
            "invite",
            "invite a friend",
            "refer a friend",
            "my code",
            "ادع صديقا",
            "ادعُ صديقًا",
            "دعوة صديق",
            "ادعو صديق",
            "رمز الدعوة",
        ),
        "refer",
    ),
    **dict.fromkeys(
        ("redeem", "use my points", "use points", "استخدم نقاطي", "استبدل نقاطي"), "redeem"
    ),
}
REFUSALS = {
    referrals.RefusalReason.UNKNOWN: Msg.REF_UNKNOWN,
    referrals.RefusalReason.SELF: Msg.REF_SELF,
    referrals.RefusalReason.LOOP: Msg.REF_LOOP,
    referrals.RefusalReason.ALREADY_REFERRED: Msg.REF_ALREADY,
    referrals.RefusalReason.NOT_NEW: Msg.REF_NOT_NEW,
}


def client_intent(text: str) -> str | None:
    """A client's typed word for points, inviting or redeeming: its entry key."""
    return WORDS.get(typed_phrase(text))


def _button(turn: Turn[ChatDeps], label: str, verb: Verb) -> Choice:
    return Choice.of(turn.t(label), Action(NAME, verb.value, ""))


def _buttons(turn: Turn[ChatDeps], *verbs: Verb) -> tuple[Choice, ...]:
    labels = {Verb.POINTS: Msg.BTN_POINTS, Verb.REFER: Msg.BTN_INVITE, Verb.REDEEM: Msg.BTN_REDEEM}
    return (*(_button(turn, labels[v], v) for v in verbs), *client_menu(turn))


async def show_points(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The balance per reader, what lapses next and when, and how to spend them."""
    deps, lang = turn.deps, turn.actor.language
    summary = await loyalty.points_summary(
        uow=deps.uows(read_only=True), clock=deps.clock, client_id=turn.actor.person_id
    )
    if not summary:
        return Step.end(Reply(turn.t(Msg.POINTS_NONE), choices=_buttons(turn, Verb.REFER)))
    lines = [turn.t(Msg.POINTS_HEADER)]
    for item in summary:
        reader = (await deps.reader(item.reader_id)).brand
        worth = format_money(item.worth.amount_minor, item.worth.currency, lang)
        lines.append(turn.t(Msg.POINTS_LINE, reader=reader, points=item.points, worth=worth))
        if item.next_expiry is not None:
            day = format_day(item.next_expiry.at.date(), lang, with_year=True)  # a year off
            lines.append(turn.t(Msg.POINTS_EXPIRE, points=item.next_expiry.points, day=day))
        if item.free_session:
            lines.append(turn.t(Msg.POINTS_FREE, reader=reader))
    first = summary[0]
    lines.append(
        turn.t(Msg.POINTS_HOW, currency=first.worth.currency, free=first.free_session_points)
    )
    buttons = _buttons(turn, Verb.REDEEM, Verb.REFER)
    return Step.end(Reply("\n".join(lines), choices=buttons))


async def invite(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The client's code, the web link and the Telegram link to share."""
    deps = turn.deps
    card = await referrals.referral_card(
        uow=deps.uows(read_only=True), client_id=turn.actor.person_id
    )
    code = quote(card.code)
    lines = [turn.t(Msg.REFER, code=card.code, bonus=REFERRAL_BONUS)]
    base = deps.public_url.rstrip("/")
    readers = await deps.readers()
    slug = next((r.booking_slug or r.slug for r in readers), None) if len(readers) == 1 else None
    web = f"{base}/r/{quote(slug)}?ref={code}" if slug else f"{base}/chat?ref={code}"
    lines.append(turn.t(Msg.REFER_WEB, link=web))
    if deps.telegram_bot:
        link = f"https://t.me/{deps.telegram_bot}?start={referrals.REF_PREFIX}{code}"
        lines.append(turn.t(Msg.REFER_TELEGRAM, link=link))
    if card.invited:
        lines.append(turn.t(Msg.REFER_COUNT, invited=card.invited, rewarded=card.rewarded))
    return Step.end(Reply("\n".join(lines), choices=_buttons(turn, Verb.POINTS)))


async def redeem(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Points off the next unpaid reading (free when they reach the reader's threshold)."""
    deps, lang = turn.deps, turn.actor.language
    try:
        spent = await redemption.redeem_points(
            uow=deps.uows(), clock=deps.clock, client_id=turn.actor.person_id
        )
    except redemption.NothingToRedeem as nothing:
        refusal = Msg.REDEEM_NO_POINTS if nothing.has_booking else Msg.REDEEM_NO_BOOKING
        return Step.end(Reply(turn.t(refusal), choices=_buttons(turn, Verb.POINTS)))
    booking = spent.booking
    when = format_when(booking.starts_at, turn.actor.timezone, lang)
    if spent.free_session:
        text = turn.t(Msg.REDEEMED_FREE, points=spent.points, when=when)
    else:
        text = turn.t(
            Msg.REDEEMED_DISCOUNT,
            points=spent.points,
            when=when,
            discount=format_money(spent.discount.amount_minor, spent.discount.currency, lang),
            price=format_money(booking.price_minor, booking.currency, lang),
        )
    return Step.end(Reply(text, choices=_buttons(turn, Verb.POINTS)))


async def start(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """`/start` with a `ref_CODE` payload takes the code first; the welcome follows."""
    code = referrals.code_from_start(event.args)
    welcome = await account.welcome(turn, event)
    if code is None and not event.args.lower().startswith(referrals.REF_PREFIX):
        return welcome
    try:
        if code is None:
            raise referrals.ReferralRefused(referrals.RefusalReason.UNKNOWN)
        await referrals.apply_code(
            uows=turn.deps.uows, clock=turn.deps.clock, client_id=turn.actor.person_id, code=code
        )
        said = turn.t(Msg.REF_ACCEPTED, bonus=REFERRAL_BONUS)
    except referrals.ReferralRefused as refused:
        said = turn.t(REFUSALS[refused.reason])
    return Step.end(Reply(said), *welcome.replies)


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=NAME,
    roles=frozenset({Role.CLIENT}),
    entry={
        "start": start,
        "points": show_points,
        "refer": invite,
        "invite": invite,
        "redeem": redeem,
    },
    actions={Verb.POINTS: show_points, Verb.REFER: invite, Verb.REDEEM: redeem},
)
