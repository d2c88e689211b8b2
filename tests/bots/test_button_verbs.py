"""Button verbs are enums whose values are wire strings: sent buttons must keep working."""

from __future__ import annotations

from enum import StrEnum

import pytest

from bots.conversations import account, booking, manage, reader
from bots.conversations.common import Conv
from bots.conversations.verbs import AccountVerb, BookingVerb, ManageVerb, ReaderVerb
from bots.engine import Action

# The payload verbs already out in chats and transcripts: changing one breaks old buttons.
WIRE: dict[type[StrEnum], set[str]] = {
    BookingVerb: {"start", "reader", "svc", "days", "day", "slot", "confirm"},
    ManageVerb: {"list", "show", "cancel", "cancel_yes", "move", "move_day", "move_to"},
    ReaderVerb: {"today", "upcoming", "summary", "hours", "done", "noshow"},
    AccountVerb: {"help", "menu", "restart", "lang"},
}


@pytest.mark.parametrize("verbs", list(WIRE), ids=lambda v: v.__name__)
def test_verb_values_are_the_wire_strings(verbs: type[StrEnum]) -> None:
    assert {v.value for v in verbs} == WIRE[verbs]


@pytest.mark.parametrize(
    ("module", "conv", "verbs"),
    [
        (booking, Conv.BOOKING, BookingVerb),
        (manage, Conv.MANAGE, ManageVerb),
        (reader, Conv.READER, ReaderVerb),
        (account, Conv.ACCOUNT, AccountVerb),
    ],
    ids=lambda p: getattr(p, "__name__", str(p)),
)
def test_every_button_verb_has_a_handler(module: object, conv: Conv, verbs: type[StrEnum]) -> None:
    conversation = module.CONVERSATION  # type: ignore[attr-defined]
    assert conversation.name == conv
    assert set(conversation.actions) == set(verbs)
    assert all(isinstance(key, verbs) for key in conversation.actions)


def test_enum_payloads_encode_as_plain_strings() -> None:
    action = Action(Conv.BOOKING.value, BookingVerb.SERVICE.value, "ab")
    assert action.encode() == "bk:svc:ab"
    assert Action.decode("bk:svc:ab").verb == BookingVerb.SERVICE
