"""Sends Replies with slack_sdk's AsyncWebClient: one message per second per channel."""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bots.engine import Reply
from bots.outbound import SendContext, SendOutcomeUnknown, SentMessage
from bots.pacing import ChannelLimits, Pacer
from bots.slack.render import render
from bots.slack.settings import SlackSettings
from domain.enums import Channel
from domain.errors import ConnectorError, PermanentConnectorError, TransientConnectorError
from domain.retry import parse_retry_after

PROVIDER = "slack"


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

    def __init__(self, client: AsyncWebClient, *, limits: ChannelLimits) -> None:
        """Send with this client, pacing each channel."""
        self._client = client
        self._limits = limits
        self._pacer = Pacer(limits.slack_per_channel_interval)

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
        """chat.postMessage (or chat.postEphemeral), errors classified."""
        message = render(reply)
        await self._pacer.wait(chat_id)
        try:
            if reply.private and context.user_ref:
                response = await self._client.chat_postEphemeral(
                    channel=chat_id, user=context.user_ref, **message
                )
                return SentMessage(message_id=str(response.get("message_ts", "")))
            response = await self._client.chat_postMessage(channel=chat_id, **message)
        except SlackApiError as exc:
            raise classify_api_error(exc) from exc
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise TransientConnectorError(f"{type(exc).__name__}", provider=PROVIDER) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            # Sent (or partly sent) and no answer: it may be in the channel already.
            raise SendOutcomeUnknown(f"{type(exc).__name__}: {exc}", provider=PROVIDER) from exc
        return SentMessage(message_id=str(response.get("ts", "")))

    async def close(self) -> None:
        """Close the pooled session."""
        session, self._client.session = self._client.session, None
        if session is not None:
            await session.close()


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
