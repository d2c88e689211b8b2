"""An opt-out anywhere applies everywhere and no later sync or run undoes it (a property).

Random sequences of consent changes — chat "stop" (English or Arabic), "start messages",
"only email", a Mailchimp unsubscribe webhook or profile event, the email link — are
interleaved with Mailchimp syncs, new campaigns and follow-ups, and delivery runs with the
chat window open or closed (closed sends by email). Whenever the client's latest global
choice is opt-out, no marketing reaches them: not in chat (the notifier), not in the
email outbox, not through a Mailchimp campaign, and Mailchimp never holds them subscribed
after a sync; after "only email", nothing reaches them in chat.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.conversations.deps import ChatDeps
from bots.conversations.engine import build_engine
from bots.engine import MemoryConversationStore
from bots.notice_emails import NoticeEmails
from connectors.audience.mailchimp import MailchimpAudience
from domain.clock import FixedClock
from domain.crm.audience_events import AudienceEvent, AudienceEventKind, apply_audience_event
from domain.crm.audience_sync import sync_audience
from domain.crm.campaign_delivery import SendPolicy, run_campaigns
from domain.crm.campaign_rules import CampaignRefused
from domain.crm.campaigns import CampaignDraft, confirm_campaign, create_campaign
from domain.crm.client_preferences import EMAIL_LINK_SOURCE, set_marketing
from domain.crm.follow_up_delivery import FollowUpSenders, send_follow_ups
from domain.crm.sequences import enrol_in
from domain.enums import SequenceTrigger
from domain.ports.audience import EmailCampaign
from domain.ports.notify import DeliveryReport, Notice, NoticeKind
from storage.mailbox import SqlMailbox
from tests.connectors.test_audience_contract import mailchimp_settings
from tests.support.campaign_world import EVERYONE, make_campaign_world
from tests.support.chat_harness import Chat
from tests.support.databases import fresh_sqlite_copy, truncate_all
from tests.support.fakes.mailchimp_api import MailchimpApiFake
from tests.support.notifier import FakeNotifier

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FAST = SendPolicy(batch=10, page=10, lease=timedelta(minutes=10), concurrency=2)
MARKETING_NOTICES = (NoticeKind.CAMPAIGN, NoticeKind.FOLLOW_UP)  # only marketing steps enrol


class Op(Enum):
    """One thing that happens to the client or to the hub."""

    CHAT_STOP = "stop"
    CHAT_STOP_MESSAGES = "stop messages"
    CHAT_STOP_ARABIC = "إيقاف الرسائل"
    CHAT_START = "start messages"
    CHAT_ONLY_EMAIL = "only email"
    MAILCHIMP_UNSUBSCRIBE = "mailchimp unsubscribe webhook"
    MAILCHIMP_PROFILE = "mailchimp profile webhook"
    EMAIL_LINK = "email link"
    SYNC = "sync to mailchimp"
    NEW_CAMPAIGN = "confirm a campaign"
    LATER_CAMPAIGN = "confirm a campaign for ten minutes from now, its rows written at once"
    NEW_FOLLOW_UP = "enrol in win-back"
    RUN_WINDOW_OPEN = "run campaigns and follow-ups"
    RUN_WINDOW_CLOSED = "run them outside every chat window"


STOPS = {Op.CHAT_STOP, Op.CHAT_STOP_MESSAGES, Op.CHAT_STOP_ARABIC}
WITHDRAWALS = STOPS | {Op.MAILCHIMP_UNSUBSCRIBE, Op.EMAIL_LINK}
CHANGES = [*STOPS, Op.CHAT_START, Op.CHAT_ONLY_EMAIL, Op.MAILCHIMP_UNSUBSCRIBE,
           Op.MAILCHIMP_PROFILE, Op.EMAIL_LINK]  # fmt: skip
PENDING = [Op.NEW_CAMPAIGN, Op.LATER_CAMPAIGN, Op.NEW_FOLLOW_UP, Op.SYNC]
RUNS = [Op.RUN_WINDOW_OPEN, Op.RUN_WINDOW_CLOSED, Op.SYNC]
# A round: something waiting to be sent, the client changing their mind (or not), a run.
# So a campaign confirmed while they consented meets their opt-out at send time.
ROUND = st.tuples(
    st.lists(st.sampled_from(PENDING), min_size=1, max_size=2),
    st.lists(st.sampled_from(CHANGES), max_size=2),
    st.lists(st.sampled_from(RUNS), min_size=1, max_size=2),
).map(lambda parts: [op for part in parts for op in part])
SCENARIOS = st.lists(ROUND, min_size=1, max_size=3).map(lambda rs: [op for r in rs for op in r])


class WindowNotifier(FakeNotifier):
    """Delivers while the chat window is open; outside it every chat notice waits."""

    def __init__(self) -> None:
        super().__init__()
        self.window_open = True

    async def notify_client(
        self, *, client_id: object, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        if not self.window_open:
            return DeliveryReport(delivered=False, waiting=True, detail="outside the window")
        return await super().notify_client(
            client_id=client_id,  # type: ignore[arg-type]
            notice=notice,
            idempotency_key=idempotency_key,
        )


class RecordingAudience:
    """The Mailchimp audience, remembering every address a campaign was sent to."""

    def __init__(self, inner: MailchimpAudience) -> None:
        self.inner = inner
        self.emailed: list[str] = []

    async def upsert_contacts(self, contacts: object) -> object:
        return await self.inner.upsert_contacts(contacts)  # type: ignore[arg-type]

    async def send_campaign(self, campaign: EmailCampaign) -> str:
        self.emailed.extend(e.lower() for e in campaign.emails)
        return await self.inner.send_campaign(campaign)


@dataclass
class Model:
    """What the client last chose: offers at all, and offers in chat."""

    offers: bool = True  # the campaign world's clients consented
    in_chat: bool = True
    seen: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def mailchimp() -> Iterator[MailchimpApiFake]:
    with MailchimpApiFake() as fake:
        yield fake


def test_an_opted_out_client_never_receives_marketing_through_any_path(
    database_url: str, sqlite_template: Path, tmp_path: Path, mailchimp: MailchimpApiFake
) -> None:
    copies = itertools.count()

    def fresh() -> str:
        if database_url.startswith("sqlite"):
            return fresh_sqlite_copy(sqlite_template, tmp_path / f"example-{next(copies)}.db")
        truncate_all(database_url)
        return database_url

    @settings(max_examples=25, deadline=None, database=None)
    @given(SCENARIOS)
    def property_holds(ops: list[Op]) -> None:
        mailchimp.reset()
        asyncio.run(play(fresh(), mailchimp, ops))

    property_holds()


async def play(url: str, fake: MailchimpApiFake, ops: list[Op]) -> None:
    """Run the ops against a fresh world, checking the promise after each one."""
    clock = FixedClock(START)
    world = await make_campaign_world(url, clock, telegram=1)
    client = world.clients[0]
    assert client.email is not None
    email = client.email.lower()
    uows = world.database.uows
    async with uows() as uow:
        identity = (await uow.identities.for_client(client.id))[0]
    deps = ChatDeps(uows=uows, clock=clock, reader_names=[world.reader.name])
    chat = Chat(build_engine(deps=deps, store=MemoryConversationStore()))
    chat.channel, chat.user = identity.channel, identity.external_user_id
    notifier, mailbox = WindowNotifier(), SqlMailbox(uows, clock)
    audience = RecordingAudience(MailchimpAudience(mailchimp_settings(fake)))
    senders = FollowUpSenders(notifier, mailer=mailbox, emails=NoticeEmails())
    model, fired = Model(), itertools.count()
    try:
        for op in ops:
            clock.advance(timedelta(minutes=7))  # past the follow-ups' retry, within a lease
            before = await _received(notifier, mailbox, audience, fake, client.id, email)
            if op in STOPS or op in (Op.CHAT_START, Op.CHAT_ONLY_EMAIL):
                await chat.say(op.value)
            elif op is Op.MAILCHIMP_UNSUBSCRIBE or op is Op.MAILCHIMP_PROFILE:
                unsubscribe = op is Op.MAILCHIMP_UNSUBSCRIBE
                if unsubscribe and fake.member(email) is not None:
                    fake.set_status(email, "unsubscribed")  # done in Mailchimp itself
                kind = AudienceEventKind.UNSUBSCRIBE if unsubscribe else AudienceEventKind.PROFILE
                event = AudienceEvent(
                    kind, f"2026-11-26 09:{next(fired):02d}:00", fake.list_id, email, name="New"
                )
                await apply_audience_event(uow=uows(), clock=clock, event=event)
            elif op is Op.EMAIL_LINK:  # what GET /unsubscribe/{token} does
                await set_marketing(
                    uow=uows(), clock=clock, client_id=client.id, granted=False,
                    source=EMAIL_LINK_SOURCE,
                )  # fmt: skip
            elif op is Op.SYNC:
                await sync_audience(
                    uows=uows, clock=clock, audience=audience, audience_id=fake.list_id
                )
            elif op is Op.NEW_CAMPAIGN:
                await _confirm_campaign(world.reader.id, uows, clock)
            elif op is Op.LATER_CAMPAIGN:  # consent is checked again when the rows fall due
                later = clock.now().replace(tzinfo=None) + timedelta(minutes=10)
                await _confirm_campaign(world.reader.id, uows, clock, later)
                await run_campaigns(
                    uows=uows, clock=clock, notifier=notifier, audience=audience, policy=FAST
                )
            elif op is Op.NEW_FOLLOW_UP:
                async with uows() as uow:
                    await enrol_in(
                        uow, trigger=SequenceTrigger.QUIET_60_DAYS, client_id=client.id,
                        reader_id=world.reader.id, anchor_ref=f"quiet:{uuid4()}",
                        anchor_at=clock.now(),
                    )  # fmt: skip
                    await uow.commit()
            else:
                notifier.window_open = op is Op.RUN_WINDOW_OPEN
                await run_campaigns(
                    uows=uows, clock=clock, notifier=notifier, audience=audience, policy=FAST
                )
                await send_follow_ups(uows=uows, clock=clock, senders=senders)
            _apply(model, op)
            after = await _received(notifier, mailbox, audience, fake, client.id, email)
            _check(model, op, ops, before, after, fake, email)
    finally:
        await world.database.dispose()


def _apply(model: Model, op: Op) -> None:
    if op in WITHDRAWALS:
        model.offers = False
    elif op is Op.CHAT_START:
        model.offers, model.in_chat = True, True
    elif op is Op.CHAT_ONLY_EMAIL:  # asking for email is a grant of email
        model.offers, model.in_chat = True, False


async def _received(
    notifier: FakeNotifier,
    mailbox: SqlMailbox,
    audience: RecordingAudience,
    fake: MailchimpApiFake,
    client_id: object,
    email: str,
) -> dict[str, int]:
    """How much marketing has reached the client so far, path by path."""
    return {
        "chat": sum(
            1
            for s in notifier.sent
            if s.role == "client" and s.person_id == client_id
            and s.notice.kind in MARKETING_NOTICES
        ),
        "outbox": len(await mailbox.recent(limit=1000, to=email)),
        "campaign email": audience.emailed.count(email),
        "mailchimp delivered": sum(1 for _, to in fake.delivered if to == email),
    }  # fmt: skip


def _check(
    model: Model,
    op: Op,
    ops: list[Op],
    before: dict[str, int],
    after: dict[str, int],
    fake: MailchimpApiFake,
    email: str,
) -> None:
    story = f"after {op.name} in {[o.name for o in ops]}"
    if not model.offers:
        assert after == before, f"marketing reached an opted-out client {story}: {after}"
    if not model.in_chat:
        assert after["chat"] == before["chat"], f"chat marketing after 'only email' {story}"
    assert fake.resubscribed == [], f"Mailchimp resubscribed someone {story}"
    member = fake.member(email)
    if op is Op.SYNC and not model.offers and member is not None:
        assert member["status"] != "subscribed", f"Mailchimp holds them subscribed {story}"


async def _confirm_campaign(
    reader_id: object, uows: object, clock: FixedClock, local: datetime | None = None
) -> None:
    """A campaign to the reader's clients, now or at a wall time; none when nobody may get it."""
    draft = CampaignDraft(reader_id, EVERYONE, "New moon readings, 20% off")  # type: ignore[arg-type]
    try:
        made = await create_campaign(uows=uows, clock=clock, draft=draft)  # type: ignore[arg-type]
        await confirm_campaign(
            uows=uows,  # type: ignore[arg-type]
            clock=clock,
            campaign_id=made.id,
            reader_id=reader_id,  # type: ignore[arg-type]
            send_at_local=local,
        )
    except CampaignRefused:
        pass  # no consenting recipient: nothing to send, which is the point
