"""Sends Replies with slack_sdk's AsyncWebClient: one message per second per channel."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bots.engine import HubFile, Reply
from bots.hub_files import HubFileReader
from bots.outbound import SendContext, SendOutcomeUnknown, SentMessage
from bots.pacing import ChannelLimits, Pacer
from bots.slack.render import render
from bots.slack.settings import SlackSettings
from domain.enums import Channel
from domain.errors import ConnectorError, PermanentConnectorError, TransientConnectorError
from domain.retry import parse_retry_after

PROVIDER = "slack"
MAX_ALT_TEXT = 1000
T = TypeVar("T")


def build_client(settings: SlackSettings, *, limits: ChannelLimits) -> AsyncWebClient:
    """The Web API client: our base URL, 429s retried by the SDK after Retry-After.

    Only 429 is retried inside the SDK: its connection-error handler would also resend
    after a reset that may have followed a delivered message.
    """
    return AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url,
        timeout=int(limits.connect_timeout + limits.read_timeout),
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=limits.slack_sdk_rate_limit_retries)
        ],
    )


class SlackSender:
    """`ChannelSender` for Slack; ephemeral when the reply is private and we know who asked."""

    channels = frozenset({Channel.SLACK})

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        limits: ChannelLimits,
        files: HubFileReader | None = None,
    ) -> None:
        """Send with this client, pacing each channel; `files` reads charts to upload."""
        self._client = client
        self._limits = limits
        self._pacer = Pacer(limits.slack_per_channel_interval)
        self.files = files

    async def start(self) -> None:
        """One pooled HTTP session, whose timeouts tell a refused connect from a lost answer."""
        if self._client.session is None:
            limits = self._limits
            timeout = aiohttp.ClientTimeout(
                total=limits.connect_timeout + limits.read_timeout,
                connect=limits.connect_timeout,
                sock_read=limits.read_timeout,
            )
            self._client.session = aiohttp.ClientSession(timeout=timeout)

    async def send(self, *, chat_id: str, reply: Reply, context: SendContext) -> SentMessage:
        """The hub's image as an uploaded file, then chat.postMessage (or postEphemeral).

        Slack cannot fetch a hub on a laptop, so a chart goes up as bytes (files_upload_v2)
        before the text and buttons that follow it; a failure after it is on screen is
        not retried.
        """
        upload = reply.image_file if self.files is not None else None
        await self._pacer.wait(chat_id)
        if upload is not None:
            file_id = await _classified(self._upload(chat_id, upload, reply, context))
            if not (reply.text.strip() or reply.choices or reply.document_url):
                return SentMessage(message_id=file_id)
            await self._pacer.wait(chat_id)
        try:
            return await _classified(
                self._post(chat_id, render(reply, uploaded=bool(upload)), reply, context)
            )
        except ConnectorError as exc:
            if upload is None or isinstance(exc, SendOutcomeUnknown):
                raise
            raise SendOutcomeUnknown(f"sent the image, then: {exc}", provider=PROVIDER) from exc

    async def _post(
        self, chat_id: str, message: dict[str, Any], reply: Reply, context: SendContext
    ) -> SentMessage:
        if reply.private and context.user_ref:
            response = await self._client.chat_postEphemeral(
                channel=chat_id, user=context.user_ref, **message
            )
            return SentMessage(message_id=str(response.get("message_ts", "")))
        response = await self._client.chat_postMessage(channel=chat_id, **message)
        return SentMessage(message_id=str(response.get("ts", "")))

    async def _upload(self, chat_id: str, file: HubFile, reply: Reply, context: SendContext) -> str:
        """files_upload_v2 into the chat; a private reply's image goes to the asker's DM."""
        assert self.files is not None
        content = await self.files.read(file)
        channel = chat_id
        if reply.private and context.user_ref:  # a file cannot be ephemeral
            opened = await self._client.conversations_open(users=context.user_ref)
            channel = str(opened["channel"]["id"])
        alt = reply.text.strip().split("\n", 1)[0][:MAX_ALT_TEXT] or file.filename
        response = await self._client.files_upload_v2(
            channel=channel,
            content=content,
            filename=file.filename,
            title=file.filename,
            alt_txt=alt,
        )
        return str((response.get("file") or {}).get("id", ""))

    async def close(self) -> None:
        """Close the pooled session."""
        session, self._client.session = self._client.session, None
        if session is not None:
            await session.close()


async def _classified(call: Awaitable[T]) -> T:
    """Await one Web API call with its failures as the hub's three kinds."""
    try:
        return await call
    except SlackApiError as exc:
        raise classify_api_error(exc) from exc
    except SlackRequestError as exc:  # the upload URL refused the bytes: nothing was shared
        raise TransientConnectorError(str(exc)[:200], provider=PROVIDER) from exc
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        raise TransientConnectorError(f"{type(exc).__name__}", provider=PROVIDER) from exc
    except (TimeoutError, aiohttp.ClientError) as exc:
        # Sent (or partly sent) and no answer: it may be in the channel already.
        raise SendOutcomeUnknown(f"{type(exc).__name__}: {exc}", provider=PROVIDER) from exc


def classify_api_error(exc: SlackApiError) -> ConnectorError:
    """A Slack error answer: 429 / 5xx are worth retrying, `ok: false` is not."""
    status = exc.response.status_code
    code = exc.response.get("error", "unknown_error") if exc.response.data else "unknown_error"
    message = f"Slack answered {status} {code}"
    if status == 429:
        retry_after = parse_retry_after(_header(exc, "Retry-After")) or 1.0
        return TransientConnectorError(
            message, provider=PROVIDER, status=429, retry_after=retry_after
        )
    if status >= 500:
        return TransientConnectorError(message, provider=PROVIDER, status=status)
    return PermanentConnectorError(message, provider=PROVIDER, status=status)


def _header(exc: SlackApiError, name: str) -> str | None:
    for key, value in (exc.response.headers or {}).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return None


async def check(settings: SlackSettings, limit_seconds: float = 5.0) -> str:
    """auth.test: the workspace and bot user when Slack answers (raises otherwise)."""
    client = AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url,
        timeout=max(1, int(limit_seconds)),
    )
    try:
        async with asyncio.timeout(limit_seconds):
            result = await client.auth_test()
    except SlackApiError as exc:
        raise RuntimeError(str(classify_api_error(exc))) from None
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise RuntimeError(type(exc).__name__) from None
    return f"{result.get('team', '?')} as {result.get('user', '?')}"
