"""'dashboard' in chat, as transcripts: a reader (English or Arabic) gets a one-time link to
their own figures, an admin on Slack one to the platform's, a client gets no link."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from bots.conversations.engine import build_engine
from bots.engine import MemoryConversationStore
from domain.analytics.dashboard_access import consume_link_token
from domain.enums import Channel, Role
from domain.identity import create_link_code
from hub.dashboard.links import dashboard_link
from storage.models import Admin
from tests.bots.test_reader_transcripts import linked_reader
from tests.support.chat_harness import ChatWorld, chat_world
from tests.support.factories import make_reader, make_service

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
HUB = "https://hub.example.test"


@pytest.fixture(params=["en", "ar"], ids=["english", "arabic"])
async def world(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", languages=[request.param])
    async with chat_world(database_url, NOW, [(samia, [make_service(samia)])]) as world:
        deps = replace(
            world.deps, dashboard_link=dashboard_link(world.database.uows, world.clock, HUB)
        )
        engine = build_engine(deps=deps, store=MemoryConversationStore())
        yield replace(world, deps=deps, engine=engine)


async def grant_of(world: ChatWorld, text: str):  # type: ignore[no-untyped-def]
    """Use the link on the reply's last line, as the browser would."""
    url = text.splitlines()[-1]
    assert url.startswith(f"{HUB}/dashboard/login/")
    token = url.rsplit("/", 1)[1]
    return await consume_link_token(uow=world.database.uows(), clock=world.clock, token=token)


async def test_a_reader_types_dashboard_and_gets_a_one_time_link_to_their_figures(
    world: ChatWorld,
) -> None:
    language = world.readers[0].languages[0]
    chat = await linked_reader(world, locale=language)

    if language == "ar":
        await chat.say("لوحة التحكم")
        assert chat.text().startswith("لوحة التحكم الخاصة بك على بُعد نقرة.")
        assert "10 دقائق" in chat.text()
    else:
        await chat.say("dashboard")
        assert chat.text().splitlines()[0] == (
            "Your dashboard is one tap away. This link works once, within 10 minutes; "
            'type "dashboard" again for a new one:'
        )
    reply = chat.last()
    assert reply.private  # a sign-in link is for the person who asked
    grant = await grant_of(world, reply.text)
    assert (grant.role, grant.reader_id) == (Role.READER, world.readers[0].id)
    assert "\u2068" not in reply.text.splitlines()[-1]  # the URL is never bidi-isolated


@pytest.mark.parametrize("words", ["My Dashboard", "لوحتي", "/dashboard"])
async def test_other_ways_of_asking_get_the_link_too(world: ChatWorld, words: str) -> None:
    chat = await linked_reader(world)
    await chat.say(words)
    assert (await grant_of(world, chat.last().text)).reader_id == world.readers[0].id


async def test_an_admin_on_slack_gets_a_link_to_the_platform(world: ChatWorld) -> None:
    admin_id = uuid.uuid4()
    async with world.database.uows() as uow:
        await uow.session.execute(  # type: ignore[attr-defined]
            sa.insert(Admin).values(
                id=admin_id, name="Ops", email="ops@example.com", created_at=NOW
            )
        )
        await uow.commit()
    code = await create_link_code(uow=world.database.uows(), clock=world.clock, admin_id=admin_id)
    chat = world.chat(channel=Channel.SLACK, user="UADMIN")
    await chat.say(f"/link {code}")

    await chat.say("dashboard")

    assert chat.text().startswith("The platform dashboard is one tap away.")
    grant = await grant_of(world, chat.last().text)
    assert (grant.role, grant.reader_id) == (Role.ADMIN, None)


async def test_a_client_typing_dashboard_gets_no_link(world: ChatWorld) -> None:
    chat = world.chat(user="client-0001")
    await chat.say("dashboard")
    assert "/dashboard/login/" not in chat.text()


async def test_without_a_link_builder_the_reader_is_told_plainly(world: ChatWorld) -> None:
    deps = replace(world.deps, dashboard_link=None)
    bare = replace(
        world, deps=deps, engine=build_engine(deps=deps, store=MemoryConversationStore())
    )
    chat = await linked_reader(bare)
    await chat.say("dashboard")
    assert "/dashboard/login/" not in chat.text()
    assert chat.last().choices  # the reader's menu, never a dead end
