"""Mailchimp audience on the official `mailchimp-marketing` SDK (blocking: run in a thread).

- Contacts go through `lists.batch_list_members` (`POST /lists/{id}`), at most 500
  members per call, `update_existing` on. A contact we want subscribed is sent with
  `status_if_new` only, so a member who unsubscribed or was cleaned in Mailchimp keeps
  that status (their merge fields and tags still update); `status` is sent only to
  unsubscribe. The member ids Mailchimp answers with are checked against our subscriber
  hash (MD5 of the lowercased address).
- A campaign is found again by its title, which carries our key (`samia:<key>`): a rerun
  after a crash reuses it, and one already sent is not sent again. Its recipients are the
  members of a static segment (a tag) named after the key.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import anyio.to_thread
import mailchimp_marketing
import requests
from mailchimp_marketing.api_client import ApiClientError

from connectors.errors import (
    ConnectorError,
    PermanentConnectorError,
    classify_http_status,
    timeout_error,
    transport_error,
)
from connectors.settings import MailchimpSettings
from domain.crm.audience_sync import subscriber_hash
from domain.enums import AudienceStatus
from domain.ports.audience import BATCH_LIMIT, AudienceContact, EmailCampaign, UpsertOutcome

PROVIDER = "mailchimp"
_SENT = frozenset({"sent", "sending"})
_PAGE = 1000  # campaigns.list's largest page
T = TypeVar("T")


def campaign_title(key: str) -> str:
    """The campaign's title: how a rerun finds the one it made before."""
    return f"samia:{key}"


def campaign_tag(key: str) -> str:
    """The static segment (tag) of one campaign's recipients."""
    return f"samia-campaign-{key}"


class MailchimpAudience:
    """`EmailAudience` on one Mailchimp list."""

    provider = PROVIDER

    def __init__(self, settings: MailchimpSettings) -> None:
        """Build the SDK client against the configured host (a loopback fake in tests)."""
        client = mailchimp_marketing.Client()
        client.set_config({"api_key": settings.api_key.get_secret_value(), "timeout": 30})
        # The SDK replaces the substring "server" in the whole URL with the key's data
        # centre; a host without that substring is left alone (platform facts §6.5).
        client.api_client.host = settings.resolved_api_url.rstrip("/")
        self._client: Any = client
        self._list_id = settings.list_id

    @property
    def audience_id(self) -> str:
        """The Mailchimp list this audience is."""
        return self._list_id

    async def upsert_contacts(self, contacts: Sequence[AudienceContact]) -> UpsertOutcome:
        """Batches of at most 500; refused members come back in `failed`."""
        calls = 0
        failed: list[tuple[str, str]] = []
        for start in range(0, len(contacts), BATCH_LIMIT):
            chunk = contacts[start : start + BATCH_LIMIT]
            body = {"members": [_member(c) for c in chunk], "update_existing": True}
            answer = await self._call(self._client.lists.batch_list_members, self._list_id, body)
            calls += 1
            failed.extend(_refused(chunk, answer))
        return UpsertOutcome(calls=calls, failed=tuple(failed))

    async def send_campaign(self, campaign: EmailCampaign) -> str:
        """Find or create the campaign for the key, then send it unless it went already."""
        found = await self._find_campaign(campaign.key)
        if found is not None and found.get("status") in _SENT:
            return str(found["id"])
        segment_id = await self._segment(campaign.key)
        emails = list(dict.fromkeys(e.strip().lower() for e in campaign.emails if e))
        for start in range(0, len(emails), BATCH_LIMIT):
            await self._call(
                self._client.lists.batch_segment_members,
                {"members_to_add": emails[start : start + BATCH_LIMIT]},
                self._list_id,
                segment_id,
            )
        if found is None:
            found = await self._create(campaign, segment_id)
        campaign_id = str(found["id"])
        await self._call(
            self._client.campaigns.set_content,
            campaign_id,
            {
                "plain_text": f"{campaign.body_text}\n\n{_UNSUB_TEXT}",
                "html": _html(campaign.body_text),
            },
        )
        await self._call(self._client.campaigns.send, campaign_id)
        return campaign_id

    async def _create(self, campaign: EmailCampaign, segment_id: int) -> dict[str, Any]:
        made = await self._call(
            self._client.campaigns.create,
            {
                "type": "regular",
                "recipients": {
                    "list_id": self._list_id,
                    "segment_opts": {"saved_segment_id": segment_id},
                },
                "settings": {
                    "title": campaign_title(campaign.key),
                    "subject_line": campaign.subject,
                    "from_name": campaign.from_name,
                },
            },
        )
        return dict(made)

    async def _find_campaign(self, key: str) -> dict[str, Any] | None:
        title, offset = campaign_title(key), 0
        while True:
            page = await self._call(
                self._client.campaigns.list, list_id=self._list_id, count=_PAGE, offset=offset
            )
            found = page.get("campaigns", [])
            for item in found:
                if item.get("settings", {}).get("title") == title:
                    return dict(item)
            if len(found) < _PAGE:
                return None
            offset += _PAGE

    async def _segment(self, key: str) -> int:
        name = campaign_tag(key)
        page = await self._call(
            self._client.lists.list_segments, self._list_id, type="static", count=_PAGE
        )
        for segment in page.get("segments", []):
            if segment.get("name") == name:
                return int(segment["id"])
        made = await self._call(
            self._client.lists.create_segment, self._list_id, {"name": name, "static_segment": []}
        )
        return int(made["id"])

    async def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """One SDK call in a worker thread, its failure mapped to our two kinds."""

        def run() -> T:
            return method(*args, **kwargs)

        try:
            answer = await anyio.to_thread.run_sync(run)
        except ApiClientError as exc:
            raise _error(exc) from exc
        # An answer without a body comes back as the raw response, failed or not (a bare
        # 429 or 403 is how Mailchimp throttles at high volume).
        if isinstance(answer, requests.Response) and not answer.ok:
            retry_after = answer.headers.get("Retry-After")
            raise classify_http_status(PROVIDER, answer.status_code, retry_after, answer.text)
        return answer


def _member(contact: AudienceContact) -> dict[str, Any]:
    """One member of a batch; only an unsubscribe sets `status` on an existing member."""
    member: dict[str, Any] = {
        "email_address": contact.email,
        "merge_fields": dict(contact.merge_fields),
        "language": contact.language,
        "tags": list(contact.tags),
    }
    if contact.status is AudienceStatus.SUBSCRIBED:
        member["status_if_new"] = AudienceStatus.SUBSCRIBED.value
    else:
        member["status"] = member["status_if_new"] = contact.status.value
    return member


def _refused(chunk: Sequence[AudienceContact], answer: Any) -> list[tuple[str, str]]:
    """Members Mailchimp refused (inside its 200), or answered for under another id."""
    answer = answer if isinstance(answer, dict) else {}
    refused = [
        (str(item.get("email_address", "")).lower(), str(item.get("error", "refused")))
        for item in answer.get("errors", [])
    ]
    wanted = {subscriber_hash(c.email): c.email for c in chunk}
    for member in [*answer.get("new_members", []), *answer.get("updated_members", [])]:
        email = str(member.get("email_address", "")).lower()
        if member.get("id") != subscriber_hash(email) or email not in wanted.values():
            refused.append((email, "unexpected member id"))
    return refused


# Mailchimp fills *|UNSUB|* per recipient; its unsubscribe reaches our webhook (an opt-out).
_UNSUB_TEXT = "Unsubscribe / إلغاء الاشتراك: *|UNSUB|*"


def _html(text: str) -> str:
    paragraphs = (html.escape(part).replace("\n", "<br>") for part in text.split("\n\n"))
    footer = '<p><a href="*|UNSUB|*">Unsubscribe / إلغاء الاشتراك</a></p>'
    return "".join(f"<p>{p}</p>" for p in paragraphs) + footer


def _error(exc: ApiClientError) -> ConnectorError:
    """Map an SDK failure: no status means the request never got an answer."""
    status = exc.status_code
    if status is None:
        cause = exc.text
        if isinstance(cause, BaseException):
            name = type(cause).__name__.lower()
            return (
                timeout_error(PROVIDER, cause)
                if "timeout" in name
                else transport_error(PROVIDER, cause)
            )
        return PermanentConnectorError(f"{PROVIDER}: {cause}", provider=PROVIDER)
    body = exc.text if isinstance(exc.text, str) else json.dumps(exc.text)
    return classify_http_status(PROVIDER, int(status), None, body)
