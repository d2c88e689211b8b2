"""Who is talking: a known chat account is found by a read alone; changes are written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.enums import Channel
from domain.identity import Sender, known_sender, resolve_sender
from tests.domain.conftest import World

LINA = Sender(Channel.TELEGRAM, "", "4242", display_name="Lina", locale="en", chat_id="4242")


async def test_a_first_message_needs_the_writing_path(world: World) -> None:
    found = await known_sender(
        uow=world.database.uows(read_only=True), clock=world.clock, sender=LINA
    )

    assert found is None


async def test_a_known_account_writing_again_within_a_minute_is_found_by_reading(
    world: World,
) -> None:
    first = await resolve_sender(uow=world.uows(), clock=world.clock, sender=LINA)
    world.clock.advance(timedelta(seconds=30))

    again = await known_sender(
        uow=world.database.uows(read_only=True), clock=world.clock, sender=LINA
    )

    assert first.is_new
    assert again is not None
    assert not again.is_new
    assert again.client is not None
    assert again.client.id == first.client.id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("later", "sender"),
    [
        (timedelta(minutes=2), LINA),  # the 24-hour window needs the last message's time
        (timedelta(seconds=5), Sender(Channel.TELEGRAM, "", "4242", locale="ar", chat_id="4242")),
    ],
    ids=["a minute has passed", "the account's language changed"],
)
async def test_what_must_be_recorded_sends_the_caller_to_the_writing_path(
    world: World, later: timedelta, sender: Sender
) -> None:
    await resolve_sender(uow=world.uows(), clock=world.clock, sender=LINA)
    world.clock.advance(later)

    found = await known_sender(
        uow=world.database.uows(read_only=True), clock=world.clock, sender=sender
    )
    written = await resolve_sender(uow=world.uows(), clock=world.clock, sender=sender)

    assert found is None
    assert written.identity.last_inbound_at == world.clock.now()
    assert written.identity.locale == sender.locale


async def test_a_read_only_unit_of_work_refuses_to_commit(world: World) -> None:
    with pytest.raises(RuntimeError, match="read-only"):
        async with world.database.uows(read_only=True) as uow:
            await uow.commit()
