"""Sends Replies to Messenger and Instagram through the Graph Send API, paced per account."""

from __future__ import annotations

from bots.engine import Reply
from bots.meta.graph import GraphClient
from bots.meta.render import render
from bots.meta.settings import MetaSettings
from bots.outbound import SendContext, SendOutcomeUnknown, SentMessage
from bots.pacing import ChannelLimits, Pacer
from domain.enums import Channel
from domain.errors import ConnectorError

# Outside the 24-hour window Messenger accepts only tagged, non-promotional updates.
EVENT_UPDATE_TAG = "CONFIRMED_EVENT_UPDATE"


class MetaSender:
    """`ChannelSender` for Messenger (and Instagram when its account is configured)."""

    def __init__(
        self, graph: GraphClient, settings: MetaSettings, *, limits: ChannelLimits
    ) -> None:
        """Send with this Graph client for this Page / Instagram account."""
        self._graph = graph
        self._settings = settings
        self._pacer = Pacer(1.0 / limits.meta_per_account_per_second)
        carried = {Channel.MESSENGER}
        if settings.instagram_account_id:
            carried.add(Channel.INSTAGRAM)
        self.channels = frozenset(carried)

    async def send(self, *, chat_id: str, reply: Reply, context: SendContext) -> SentMessage:
        """POST each message of the reply; a failure after the first is not retried."""
        instagram = context.channel is Channel.INSTAGRAM
        default = self._settings.instagram_account_id if instagram else self._settings.page_id
        node = context.workspace or default or self._settings.page_id
        fields: dict[str, object] = {"recipient": {"id": chat_id}, "messaging_type": "RESPONSE"}
        if context.tagged_update and not instagram:
            fields |= {"messaging_type": "MESSAGE_TAG", "tag": EVENT_UPDATE_TAG}
        messages = render(reply, instagram=instagram)
        message_id = ""
        for index, message in enumerate(messages):
            await self._pacer.wait(node)
            try:
                result = await self._graph.send(node, {**fields, "message": message})
            except ConnectorError as exc:
                if index == 0 or isinstance(exc, SendOutcomeUnknown):
                    raise
                raise SendOutcomeUnknown(
                    f"sent {index} of {len(messages)} messages, then: {exc}", provider="meta"
                ) from exc
            message_id = str(result.get("message_id", ""))
        return SentMessage(message_id=message_id)

    async def close(self) -> None:
        """Close the Graph session."""
        self._graph.close()
