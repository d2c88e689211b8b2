"""One contract for every email audience: the built-in outbox and Mailchimp (loopback fake)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from connectors.audience.builtin import BuiltinEmailAudience
from connectors.audience.mailchimp import MailchimpAudience
from connectors.settings import MailchimpSettings
from domain.clock import FixedClock
from domain.enums import AudienceStatus, EmailKind
from domain.ports.audience import AudienceContact, EmailAudience, EmailCampaign
from storage.audience_outbox import SqlCampaignOutbox
from storage.mailbox import SqlMailbox
from storage.uow import Database
from tests.support.fakes.mailchimp_api import MailchimpApiFake

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def mailchimp_server() -> Iterator[MailchimpApiFake]:
    with MailchimpApiFake() as server:
        yield server


def mailchimp_settings(fake: MailchimpApiFake) -> MailchimpSettings:
    return MailchimpSettings(api_key=fake.api_key, list_id=fake.list_id, api_url=f"{fake.url}/3.0")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, clock=FixedClock(NOW))
    yield database
    await database.dispose()


@pytest.fixture(params=["builtin", "mailchimp"])
def audience(
    request: pytest.FixtureRequest, database: Database, mailchimp_server: MailchimpApiFake
) -> EmailAudience:
    if request.param == "builtin":
        return BuiltinEmailAudience(SqlCampaignOutbox(database.uows, FixedClock(NOW)))
    mailchimp_server.reset()
    return MailchimpAudience(mailchimp_settings(mailchimp_server))


def contact(email: str, status: AudienceStatus = AudienceStatus.SUBSCRIBED) -> AudienceContact:
    return AudienceContact(
        email=email, name="Lina Haddad", language="en", status=status,
        tags=("lang-en",), merge_fields={"FNAME": "Lina", "LNAME": "Haddad"},
    )  # fmt: skip


async def test_upsert_accepts_contacts_and_refuses_none_that_are_valid(
    audience: EmailAudience,
) -> None:
    outcome = await audience.upsert_contacts([contact(f"p{i}@example.com") for i in range(3)])
    assert outcome.failed == ()
    assert outcome.calls in (0, 1)  # the built-in audience keeps nothing outside


async def test_the_same_campaign_key_sends_once_and_returns_the_same_id(
    audience: EmailAudience,
) -> None:
    emails = ("lina@example.com", "omar@example.com")
    await audience.upsert_contacts([contact(e) for e in emails])
    campaign = EmailCampaign(
        key="c-1", subject="Full moon", body_text="A reading?", emails=emails, from_name="Samia"
    )
    first = await audience.send_campaign(campaign)
    again = await audience.send_campaign(campaign)
    assert first == again
    assert first


async def test_builtin_campaign_is_one_held_email_per_address(database: Database) -> None:
    audience = BuiltinEmailAudience(SqlCampaignOutbox(database.uows, FixedClock(NOW)))
    campaign = EmailCampaign(
        key="c-2", subject="Full moon", body_text="A reading?",
        emails=("Lina@example.com", "lina@example.com", "omar@example.com"), from_name="Samia",
    )  # fmt: skip
    await audience.send_campaign(campaign)
    await audience.send_campaign(campaign)
    held = await SqlMailbox(database.uows).recent()
    assert sorted(e.to for e in held) == ["lina@example.com", "omar@example.com"]
    assert {e.kind for e in held} == {EmailKind.CAMPAIGN}
    assert "A reading?" in held[0].text
    assert held[0].subject == "Full moon"
