"""The Mailchimp audience on the real SDK against the loopback fake: batches, hashes, status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from connectors.audience.mailchimp import MailchimpAudience, campaign_title
from domain.crm.audience_sync import subscriber_hash
from domain.enums import AudienceStatus
from domain.errors import AuthExpired, TransientConnectorError
from domain.ports.audience import EmailCampaign
from tests.connectors.test_audience_contract import contact, mailchimp_settings
from tests.support.fakes.mailchimp_api import MailchimpApiFake, member_hash


@pytest.fixture(scope="module")
def server() -> Iterator[MailchimpApiFake]:
    with MailchimpApiFake() as fake:
        yield fake


@pytest.fixture
def fake(server: MailchimpApiFake) -> MailchimpApiFake:
    server.reset()
    return server


@pytest.fixture
def audience(fake: MailchimpApiFake) -> MailchimpAudience:
    return MailchimpAudience(mailchimp_settings(fake))


@pytest.mark.parametrize(("count", "calls"), [(1, 1), (500, 1), (501, 2), (1234, 3)])
async def test_contacts_go_in_batches_of_at_most_500(
    audience: MailchimpAudience, fake: MailchimpApiFake, count: int, calls: int
) -> None:
    outcome = await audience.upsert_contacts([contact(f"p{i}@example.com") for i in range(count)])
    batches = fake.calls("lists.batch")
    assert outcome.calls == calls == len(batches)
    assert max(len(c.params["members"]) for c in batches) <= 500
    assert all(c.status == 200 for c in batches)
    assert len(fake.members) == count


async def test_the_fake_refuses_a_batch_over_500(fake: MailchimpApiFake) -> None:
    import mailchimp_marketing
    from mailchimp_marketing.api_client import ApiClientError

    client = mailchimp_marketing.Client()
    client.set_config({"api_key": fake.api_key})
    client.api_client.host = f"{fake.url}/3.0"
    members = [{"email_address": f"p{i}@example.com", "status": "subscribed"} for i in range(501)]
    with pytest.raises(ApiClientError) as refused:
        client.lists.batch_list_members(fake.list_id, {"members": members})
    assert refused.value.status_code == 400


async def test_members_are_keyed_by_the_md5_of_the_lowercased_email(
    audience: MailchimpAudience, fake: MailchimpApiFake
) -> None:
    await audience.upsert_contacts([contact("Lina.Haddad@Example.com")])
    expected = member_hash("lina.haddad@example.com")
    assert subscriber_hash("  LINA.HADDAD@example.com ") == expected
    assert list(fake.members) == [expected]
    member = fake.members[expected]
    assert member["merge_fields"] == {"FNAME": "Lina", "LNAME": "Haddad"}
    assert member["tags"] == ["lang-en"]
    assert member["status"] == "subscribed"


async def test_an_unsubscribed_or_cleaned_member_is_never_subscribed_again(
    audience: MailchimpAudience, fake: MailchimpApiFake
) -> None:
    await audience.upsert_contacts([contact("lina@example.com"), contact("omar@example.com")])
    fake.set_status("lina@example.com", "unsubscribed")
    fake.set_status("omar@example.com", "cleaned")
    outcome = await audience.upsert_contacts(
        [contact("lina@example.com"), contact("omar@example.com")]
    )
    assert outcome.failed == ()
    assert fake.member("lina@example.com")["status"] == "unsubscribed"  # type: ignore[index]
    assert fake.member("omar@example.com")["status"] == "cleaned"  # type: ignore[index]
    assert fake.resubscribed == []


async def test_an_unsubscribe_reaches_an_existing_member(
    audience: MailchimpAudience, fake: MailchimpApiFake
) -> None:
    await audience.upsert_contacts([contact("lina@example.com")])
    await audience.upsert_contacts([contact("lina@example.com", AudienceStatus.UNSUBSCRIBED)])
    assert fake.member("lina@example.com")["status"] == "unsubscribed"  # type: ignore[index]


async def test_a_campaign_goes_to_its_tagged_subscribed_recipients_once(
    audience: MailchimpAudience, fake: MailchimpApiFake
) -> None:
    emails = ("lina@example.com", "omar@example.com", "sara@example.com")
    await audience.upsert_contacts([contact(e) for e in emails])
    fake.set_status("sara@example.com", "unsubscribed")
    campaign = EmailCampaign(
        key="7f3c", subject="New moon", body_text="Book a reading", emails=emails[:2] + emails[2:],
        from_name="Samia",
    )  # fmt: skip
    first = await audience.send_campaign(campaign)
    again = await audience.send_campaign(campaign)
    assert first == again
    assert len(fake.calls("campaigns.create")) == 1
    assert len(fake.calls("campaigns.send")) == 1
    assert sorted(email for _, email in fake.delivered) == ["lina@example.com", "omar@example.com"]
    assert fake.campaigns[first]["settings"]["title"] == campaign_title("7f3c")


async def test_a_rerun_after_a_failed_send_reuses_the_campaign(
    audience: MailchimpAudience, fake: MailchimpApiFake
) -> None:
    await audience.upsert_contacts([contact("lina@example.com")])
    campaign = EmailCampaign(
        key="k2", subject="S", body_text="B", emails=("lina@example.com",), from_name="Samia"
    )
    fake.fail_next("campaigns.send", status=503)
    with pytest.raises(TransientConnectorError):
        await audience.send_campaign(campaign)
    sent = await audience.send_campaign(campaign)
    assert len(fake.calls("campaigns.create")) == 1
    assert fake.delivered == [(sent, "lina@example.com")]


async def test_errors_map_to_transient_and_permanent(
    audience: MailchimpAudience, fake: MailchimpApiFake
) -> None:
    fake.fail_next("lists.batch", status=429)
    with pytest.raises(TransientConnectorError):
        await audience.upsert_contacts([contact("lina@example.com")])
    wrong = MailchimpAudience(
        mailchimp_settings(fake).model_copy(
            update={"api_key": SecretStr("ffffffffffffffffffffff-us19")}
        )
    )
    with pytest.raises(AuthExpired):
        await wrong.upsert_contacts([contact("lina@example.com")])
