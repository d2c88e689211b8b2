"""Campaigns end to end at the service level: draft, preview, confirm, send, cancel, report."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.clock import FixedClock
from domain.crm.campaign_delivery import SendPolicy, run_campaigns
from domain.crm.campaign_rules import CampaignRefused, Refusal
from domain.crm.campaigns import (
    CampaignDraft,
    attribute_booking,
    campaign_report,
    cancel_campaign,
    confirm_campaign,
    create_campaign,
    list_campaigns,
    preview_campaign,
)
from domain.crm.consent import record_consent
from domain.enums import CampaignStatus, Channel, ConsentKind
from domain.ports.audience import EmailCampaign
from domain.ports.notify import DeliveryReport, Notice, NoticeKind
from tests.support.campaign_world import EVERYONE, NOBODY, CampaignWorld, make_campaign_world
from tests.support.factories import make_booking, make_service
from tests.support.notifier import FakeNotifier

START = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # a Friday; Europe moves its clocks on Sunday
FAST = SendPolicy(batch=2, page=2, lease=timedelta(minutes=10), concurrency=4)


def _wall(text: str) -> datetime:
    """A wall time with no zone: the campaign sends it in each client's own."""
    return datetime.fromisoformat(text)


class Killed(BaseException):
    """The worker process dying mid-batch (not an error the code may catch)."""


class DyingNotifier(FakeNotifier):
    """Delivers `alive` messages, then every call dies as the process would."""

    def __init__(self, alive: int, shared: FakeNotifier) -> None:
        super().__init__()
        self.alive = alive
        self.shared = shared

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        if self.alive <= 0:
            raise Killed
        self.alive -= 1
        return await self.shared.notify_client(
            client_id=client_id, notice=notice, idempotency_key=idempotency_key
        )


class RecordingAudience:
    """The email audience port: one call per campaign key, the same id for the same key."""

    def __init__(self) -> None:
        self.campaigns: dict[str, EmailCampaign] = {}
        self.calls = 0

    async def send_campaign(self, campaign: EmailCampaign) -> str:
        self.calls += 1
        self.campaigns.setdefault(campaign.key, campaign)
        return f"mc-{campaign.key}"

    async def upsert_contacts(self, contacts: object) -> object:
        raise NotImplementedError


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[CampaignWorld]:
    built = await make_campaign_world(database_url, FixedClock(START), telegram=5, email_only=1)
    yield built
    await built.database.dispose()


async def _draft(
    world: CampaignWorld, body: str = "New moon readings, 20% off", **extra: object
) -> UUID:
    draft = CampaignDraft(world.reader.id, EVERYONE, body, **extra)  # type: ignore[arg-type]
    campaign = await create_campaign(uows=world.database.uows, clock=world.clock, draft=draft)
    return campaign.id


async def _run(world: CampaignWorld, notifier: object, audience: object = None) -> object:
    return await run_campaigns(
        uows=world.database.uows, clock=world.clock, notifier=notifier,  # type: ignore[arg-type]
        audience=audience, policy=FAST,  # type: ignore[arg-type]
    )  # fmt: skip


def _per_client(notifier: FakeNotifier) -> Counter[UUID]:
    return Counter(s.person_id for s in notifier.of_kind(NoticeKind.CAMPAIGN))


async def test_preview_counts_consenting_recipients_per_channel(world: CampaignWorld) -> None:
    campaign_id = await _draft(world)
    preview = await preview_campaign(
        uows=world.database.uows,
        clock=world.clock,
        campaign_id=campaign_id,
        reader_id=world.reader.id,
    )
    assert preview.count == 6
    assert preview.channels == {Channel.TELEGRAM: 5, Channel.EMAIL: 1}


async def test_send_now_reaches_each_client_once_and_reports_to_the_reader(
    world: CampaignWorld,
) -> None:
    campaign_id = await _draft(world, offer_code="moon20")
    uows, clock, reader = world.database.uows, world.clock, world.reader.id
    await confirm_campaign(uows=uows, clock=clock, campaign_id=campaign_id, reader_id=reader)
    notifier, audience = FakeNotifier(), RecordingAudience()
    await _run(world, notifier, audience)
    await _run(world, notifier, audience)  # a second run sends nothing more
    assert sorted(_per_client(notifier).values()) == [1] * 5
    notice = notifier.of_kind(NoticeKind.CAMPAIGN)[0].notice
    assert notice.params["offer_code"] == "MOON20"
    assert notice.params["campaign_id"] == str(campaign_id)
    assert audience.calls == 1
    (email,) = audience.campaigns.values()
    assert email.emails == (world.clients[5].email,)
    report = await campaign_report(uows=uows, campaign_id=campaign_id, reader_id=reader)
    assert (report.sent, report.pending, report.campaign.status) == (6, 0, CampaignStatus.DONE)
    assert report.by_channel == {Channel.TELEGRAM: 5, Channel.EMAIL: 1}
    (sent_report,) = notifier.of_kind(NoticeKind.CAMPAIGN_REPORT)
    assert sent_report.person_id == reader
    assert sent_report.notice.params["sent"] == "6"


async def test_a_run_killed_mid_batch_resumes_without_a_duplicate(world: CampaignWorld) -> None:
    campaign_id = await _draft(world)
    await confirm_campaign(
        uows=world.database.uows,
        clock=world.clock,
        campaign_id=campaign_id,
        reader_id=world.reader.id,
    )
    inbox = FakeNotifier()  # what clients' chats received, across both runs
    with pytest.raises(Killed):
        await _run(world, DyingNotifier(3, inbox))
    assert len(inbox.sent) == 3
    await _run(world, inbox)  # the killed run's claims still hold: nothing is taken twice
    resumed_early = len(inbox.sent)
    world.clock.advance(FAST.lease + timedelta(seconds=1))
    await _run(world, inbox)
    assert resumed_early == 3 + 1  # only the batch nobody had claimed went out meanwhile
    assert sorted(_per_client(inbox).values()) == [1] * 5
    assert inbox.attempts > len(inbox.sent)  # rows sent before the kill were offered again
    report = await campaign_report(
        uows=world.database.uows, campaign_id=campaign_id, reader_id=world.reader.id
    )
    assert report.sent == 5
    assert report.campaign.status is CampaignStatus.DONE


async def test_a_client_who_opts_out_after_confirmation_gets_nothing(world: CampaignWorld) -> None:
    campaign_id = await _draft(world)
    uows, clock = world.database.uows, world.clock
    await confirm_campaign(
        uows=uows, clock=clock, campaign_id=campaign_id, reader_id=world.reader.id,
        send_at_local=_wall("2026-03-27T18:00"),
    )  # fmt: skip
    notifier = FakeNotifier()
    await _run(world, notifier, RecordingAudience())  # deliveries written, none due yet
    quitter = world.clients[0].id
    await record_consent(
        uow=uows(), clock=clock, client_id=quitter, purpose=ConsentKind.MARKETING,
        granted=False, source="chat stop",
    )  # fmt: skip
    world.clock.advance(timedelta(hours=10))
    await _run(world, notifier, RecordingAudience())
    assert quitter not in _per_client(notifier)
    assert len(_per_client(notifier)) == 4
    report = await campaign_report(uows=uows, campaign_id=campaign_id, reader_id=world.reader.id)
    assert (report.sent, report.opted_out) == (5, 1)


async def test_scheduled_send_goes_at_each_clients_local_time_across_dst(database_url: str) -> None:
    zones = ("Europe/London", "America/New_York", "Australia/Sydney")
    world = await make_campaign_world(database_url, FixedClock(START), telegram=3, zones=zones)
    try:
        campaign_id = await _draft(world)
        # Sunday 29 March 18:00: London is on summer time since 01:00 UTC that morning.
        await confirm_campaign(
            uows=world.database.uows, clock=world.clock, campaign_id=campaign_id,
            reader_id=world.reader.id, send_at_local=_wall("2026-03-29T18:00"),
            zone="Europe/London",
        )  # fmt: skip
        notifier = FakeNotifier()
        arrivals: dict[str, datetime] = {}
        instant = START
        while instant < datetime(2026, 3, 30, tzinfo=UTC):
            world.clock.set(instant)
            before = set(_per_client(notifier))
            await _run(world, notifier)
            for client in world.clients:
                if client.id in _per_client(notifier) and client.id not in before:
                    arrivals[client.timezone] = instant
            instant += timedelta(hours=1)
        assert arrivals == {
            "Australia/Sydney": datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # AEDT, +11
            "Europe/London": datetime(2026, 3, 29, 17, 0, tzinfo=UTC),  # BST, +1 (not +0)
            "America/New_York": datetime(2026, 3, 29, 22, 0, tzinfo=UTC),  # EDT, -4
        }
    finally:
        await world.database.dispose()


async def test_cancelled_campaign_sends_nothing_more(world: CampaignWorld) -> None:
    campaign_id = await _draft(world)
    uows, clock, reader = world.database.uows, world.clock, world.reader.id
    await confirm_campaign(
        uows=uows, clock=clock, campaign_id=campaign_id, reader_id=reader,
        send_at_local=_wall("2026-03-28T18:00"),
    )  # fmt: skip
    notifier = FakeNotifier()
    await _run(world, notifier)  # writes the deliveries; none is due yet
    skipped = await cancel_campaign(
        uows=uows, clock=clock, campaign_id=campaign_id, reader_id=reader
    )
    world.clock.advance(timedelta(days=2))
    await _run(world, notifier)
    assert skipped == 6
    assert notifier.sent == []
    report = await campaign_report(uows=uows, campaign_id=campaign_id, reader_id=reader)
    assert (report.sent, report.skipped, report.campaign.status) == (0, 6, CampaignStatus.CANCELLED)
    (listed,) = await list_campaigns(uows=uows, reader_id=reader)
    assert listed.status is CampaignStatus.CANCELLED


async def test_bad_input_is_refused_and_changes_nothing(world: CampaignWorld) -> None:
    uows, clock, reader = world.database.uows, world.clock, world.reader.id
    with pytest.raises(CampaignRefused) as unknown:
        await create_campaign(
            uows=uows, clock=clock, draft=CampaignDraft(reader, "people who love ???", "hi")
        )
    assert unknown.value.reason is Refusal.UNKNOWN_SEGMENT
    assert await list_campaigns(uows=uows, reader_id=reader) == []
    nobody = await create_campaign(
        uows=uows, clock=clock, draft=CampaignDraft(reader, NOBODY, "hi")
    )
    with pytest.raises(CampaignRefused) as empty:
        await confirm_campaign(uows=uows, clock=clock, campaign_id=nobody.id, reader_id=reader)
    assert empty.value.reason is Refusal.NO_RECIPIENTS
    long_id = await _draft(world, "x" * 4097)
    with pytest.raises(CampaignRefused) as long_text:
        await preview_campaign(uows=uows, clock=clock, campaign_id=long_id, reader_id=reader)
    assert long_text.value.reason is Refusal.TOO_LONG
    assert long_text.value.params["limit"] == 4096
    caption_id = await _draft(world, "x" * 1025, image_key="a" * 64)
    with pytest.raises(CampaignRefused) as caption:
        await confirm_campaign(uows=uows, clock=clock, campaign_id=caption_id, reader_id=reader)
    assert caption.value.params["limit"] == 1024
    past_id = await _draft(world)
    with pytest.raises(CampaignRefused) as past:
        await confirm_campaign(
            uows=uows, clock=clock, campaign_id=past_id, reader_id=reader,
            send_at_local=_wall("2026-03-26T18:00"),
        )  # fmt: skip
    assert past.value.reason is Refusal.PAST_TIME
    notifier = FakeNotifier()
    await _run(world, notifier)
    assert notifier.sent == []
    statuses = {c.status for c in await list_campaigns(uows=uows, reader_id=reader)}
    assert statuses == {CampaignStatus.DRAFT}


async def test_a_booking_within_seven_days_is_attributed_once(world: CampaignWorld) -> None:
    campaign_id = await _draft(world, offer_code="MOON20")
    uows, clock, reader = world.database.uows, world.clock, world.reader.id
    await confirm_campaign(uows=uows, clock=clock, campaign_id=campaign_id, reader_id=reader)
    await _run(world, FakeNotifier(), RecordingAudience())
    service = make_service(world.reader)
    client = world.clients[1]
    booking = make_booking(
        service, client, START + timedelta(days=3), created_at=START + timedelta(days=1)
    )
    late = make_booking(
        service, client, START + timedelta(days=12), created_at=START + timedelta(days=9)
    )
    async with uows() as uow:
        await uow.services.add(service)
        for b in (booking, late):
            await uow.bookings.add(b)
        await uow.commit()
    first = await attribute_booking(
        uows=uows,
        booking_id=booking.id,
        client_id=client.id,
        booked_at=START + timedelta(days=1),
        offer_code="moon20",
    )
    again = await attribute_booking(
        uows=uows, booking_id=booking.id, client_id=client.id, booked_at=START + timedelta(days=1),
        campaign_id=campaign_id,
    )  # fmt: skip
    too_late = await attribute_booking(
        uows=uows,
        booking_id=late.id,
        client_id=client.id,
        booked_at=START + timedelta(days=9),
        offer_code="moon20",
    )
    assert (first, again, too_late) == (campaign_id, None, None)
    report = await campaign_report(uows=uows, campaign_id=campaign_id, reader_id=reader)
    assert report.bookings["code"] == 1
    assert report.bookings["button"] == 0
    assert report.bookings["window"] == 1
