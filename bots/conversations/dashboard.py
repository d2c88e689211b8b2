"""'dashboard' (or 'لوحة التحكم'): a one-time link that signs a reader or an admin in.

A reader's link opens their own figures; an admin's (from Slack, or any chat linked to an
admin) opens the platform's. The link works once, within ten minutes; it is sent only to
the person who asked (ephemeral in a Slack channel) and sits on its own line after the
sentence, so no right-to-left isolation ever touches the URL.
"""

from __future__ import annotations

from bots.conversations.common import menu
from bots.conversations.deps import ChatDeps
from bots.engine import Choice, Conversation, InboundEvent, Reply, Step, Turn, typed_phrase
from bots.language.messages import Msg
from domain.enums import Role

ROLES = frozenset({Role.READER, Role.ADMIN})
ENTRY = "intent:dashboard"
# Whole typed phrases (lower case, single spaces) that ask for the link, in both languages.
WORDS = frozenset(
    {
        "dashboard",
        "my dashboard",
        "/dashboard",
        "open dashboard",
        "dashboard link",
        "لوحة التحكم",
        "لوحة تحكم",
        "لوحتي",
        "لوحة التحكم الخاصة بي",
        "رابط لوحة التحكم",
    }
)
# For the engine's typed commands: said in the middle of a question, they still mean this.
TYPED = {word: ENTRY for word in WORDS if not word.startswith("/")}


def intent(text: str) -> str | None:
    """The dashboard entry when the whole line asks for it."""
    return ENTRY if typed_phrase(text) in WORDS else None


async def send_link(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A fresh one-time link for whoever asked: their own figures, or the platform's."""
    del event
    link = turn.deps.dashboard_link
    role = turn.actor.role
    if link is None or role not in ROLES:
        return Step.end(Reply(turn.t(Msg.DASHBOARD_UNAVAILABLE), choices=_menu(turn)))
    url = await link(role, turn.actor.person_id)
    words = Msg.DASHBOARD_LINK_ADMIN if role is Role.ADMIN else Msg.DASHBOARD_LINK
    return Step.end(Reply(f"{turn.t(words)}\n{url}", choices=_menu(turn), private=True))


def _menu(turn: Turn[ChatDeps]) -> tuple[Choice, ...]:
    """The reader's buttons; an admin's chat has no menu of its own."""
    return menu(turn) if turn.actor.role is Role.READER else ()


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name="dashboard",
    roles=ROLES,
    entry={"dashboard": send_link, ENTRY: send_link},
)
