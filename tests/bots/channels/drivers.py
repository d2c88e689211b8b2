"""Talk to the hub as a person on one platform: say text, tap what the platform SHOWS.

Each driver posts real (signed) webhooks, waits for the background pool, then reads the
messages the loopback fake received through the real SDK, and exposes the buttons as
the platform would render them (inline keyboard, Block Kit, quick replies, templates).
"""

from __future__ import annotations

import itertools
import time as wallclock
from dataclasses import dataclass, field
from typing import Any, Protocol

from tests.bots.channels.conftest import TEAM, Hub
from tests.support.fakes import payloads as p


@dataclass(frozen=True)
class Button:
    """A button as shown: its label, what it sends back, and the widget it lives in."""

    label: str
    payload: str
    widget: str  # inline_keyboard | block_kit | quick_reply | button_template | webchat


class Driver(Protocol):
    """What a transcript needs from any platform."""

    name: str

    async def say(self, text: str) -> None: ...
    async def tap(self, label: str) -> None: ...
    def text(self) -> str: ...
    def buttons(self) -> list[Button]: ...


@dataclass
class _Base:
    hub: Hub
    batch: list[dict[str, Any]] = field(default_factory=list)
    _seen: int = 0

    def find(self, label: str) -> Button:
        for button in self.buttons():
            if label.casefold() in button.label.casefold():
                return button
        raise AssertionError(f"no button {label!r} among {[b.label for b in self.buttons()]}")

    def buttons(self) -> list[Button]:
        raise NotImplementedError

    def _new(self, messages: list[dict[str, Any]]) -> None:
        self.batch = messages[self._seen :]
        self._seen = len(messages)
        assert self.batch, "the hub sent nothing back"


@dataclass
class TelegramDriver(_Base):
    chat_id: int = 4242
    name: str = "telegram"

    async def _post(self, update: dict[str, Any]) -> None:
        assert (await self.hub.telegram(update)).status_code == 200
        await self.hub.idle()
        self._new(self.hub.tg.sent(self.chat_id))

    async def say(self, text: str) -> None:
        await self._post(
            p.telegram_text_update(self.hub.next_id("tg"), self.chat_id, self.chat_id, text)
        )

    async def tap(self, label: str) -> None:
        button = self.find(label)
        await self._post(
            p.telegram_callback_update(
                self.hub.next_id("tg"), self.chat_id, self.chat_id, button.payload, message_id=1
            )
        )

    def text(self) -> str:
        return "\n".join(m.get("text") or m.get("caption") or "" for m in self.batch)

    def buttons(self) -> list[Button]:
        return [
            Button(b["text"], b["callback_data"], "inline_keyboard")
            for m in self.batch
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]


@dataclass
class SlackDriver(_Base):
    user: str = "U0READER1"
    channel: str = "D0READER1"
    name: str = "slack"

    async def _done(self, response: Any) -> None:
        assert response.status_code == 200, response.text
        await self.hub.idle()
        self._new(self.hub.slack.messages(self.channel))

    async def say(self, text: str) -> None:
        event_id = f"Ev{self.hub.next_id('slack')}"
        await self._done(
            await self.hub.slack_json(
                p.slack_event_body(event_id, TEAM, self.user, self.channel, text)
            )
        )

    async def command(self, text: str) -> None:
        trigger = f"{self.hub.next_id('slack')}.{self.hub.next_id('slack')}.fake"
        await self._done(
            await self.hub.slack_form(
                p.slack_command_form(
                    text=text,
                    user_id=self.user,
                    channel_id=self.channel,
                    team_id=TEAM,
                    trigger_id=trigger,
                )
            )
        )

    async def tap(self, label: str) -> None:
        button = self.find(label)
        await self._done(
            await self.hub.slack_form(
                p.slack_block_action_form(
                    "samia:0",
                    button.payload,
                    self.user,
                    self.channel,
                    TEAM,
                    message_ts=f"{int(wallclock.time())}.{self.hub.next_id('slack'):06d}",
                )
            )
        )

    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.batch)

    def buttons(self) -> list[Button]:
        return [
            Button(e["text"]["text"], e["value"], "block_kit")
            for m in self.batch
            for block in m.get("blocks", [])
            if block["type"] == "actions"
            for e in block["elements"]
        ]


@dataclass
class MetaDriver(_Base):
    """Messenger (object page) or Instagram (object instagram)."""

    instagram: bool = False
    user: str = "6900000000000001"
    name: str = "messenger"
    _mids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def account(self) -> str:
        return self.hub.meta.ig_account_id if self.instagram else self.hub.meta.page_id

    def _mid(self) -> str:
        return f"m_{self.name}_{self.user}_{next(self._mids)}"

    async def _post(self, payload: dict[str, Any]) -> None:
        assert (await self.hub.meta_post(payload)).status_code == 200
        await self.hub.idle()
        self._new(self.hub.meta.sent(self.user))

    def _envelope(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self.instagram:  # same event shape, Instagram's object and account id
            payload["object"] = "instagram"
            payload["entry"][0]["id"] = self.account
            payload["entry"][0]["messaging"][0]["recipient"] = {"id": self.account}
        return payload

    async def say(self, text: str) -> None:
        await self._post(
            self._envelope(p.meta_messenger_text(self.account, self.user, self._mid(), text))
        )

    async def tap(self, label: str) -> None:
        button = self.find(label)
        if button.widget == "quick_reply":
            body = p.meta_quick_reply(
                self.account, self.user, self._mid(), button.label, button.payload
            )
        else:
            body = p.meta_postback(
                self.account, self.user, button.payload, button.label, mid=self._mid()
            )
        await self._post(self._envelope(body))

    def text(self) -> str:
        parts = []
        for sent in self.batch:
            message = sent["message"]
            template = (message.get("attachment") or {}).get("payload") or {}
            parts.append(message.get("text") or template.get("text") or "")
        return "\n".join(parts)

    def buttons(self) -> list[Button]:
        shown = []
        for sent in self.batch:
            message = sent["message"]
            for quick in message.get("quick_replies") or []:
                shown.append(Button(quick["title"], quick["payload"], "quick_reply"))
            template = (message.get("attachment") or {}).get("payload") or {}
            for button in template.get("buttons") or []:
                shown.append(Button(button["title"], button["payload"], "button_template"))
        return shown


@dataclass
class WebDriver(_Base):
    session: str | None = None  # issued by the server with the first answer
    name: str = "webchat"

    async def _post(self, **body: str) -> None:
        known = {"session": self.session} if self.session else {}
        response = await self.hub.http.post("/api/v1/chat", json={**known, **body})
        assert response.status_code == 200, response.text
        self.session = response.json()["session"]
        self.batch = response.json()["replies"]

    async def say(self, text: str) -> None:
        await self._post(text=text)

    async def tap(self, label: str) -> None:
        await self._post(action=self.find(label).payload)

    async def book_until_email_question(self, *, time: str, name: str) -> None:
        """A new visitor books a Friday Love reading at `time` and gives `name`; email next."""
        await self.say("hello")
        await self.tap("Book a reading")
        await self.tap("Love reading")
        await self.tap("Fri")
        await self.tap(time)
        await self.say(name)
        assert "email" in self.text().lower(), self.text()

    def text(self) -> str:
        return "\n".join(r["text"] for r in self.batch)

    def buttons(self) -> list[Button]:
        return [
            Button(c["label"], c["action"], "webchat") for r in self.batch for c in r["choices"]
        ]
