"""Greeting, help, start over and linking a chat account to a reader with a code."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from bots.conversations import email_login
from bots.conversations.common import Conv, client_menu, help_step, menu, reader_menu
from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import AccountVerb as Verb
from bots.engine import Conversation, EventKind, InboundEvent, Reply, Step, Turn
from bots.language import translator
from domain import contacts, errors, identity
from domain.booking.queries import reader_profile
from domain.enums import Role
from domain.preferences import CHOOSABLE_LANGUAGES, choose_language

ALL_ROLES = frozenset({Role.CLIENT, Role.READER, Role.ADMIN})


class State(StrEnum):
    """Where an account conversation stands."""

    ASK_EMAIL = "ask_email"
    ASK_CODE = "ask_code"


async def welcome(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """First words: who we are and what we can do."""
    turn.ctx.clear()
    if turn.actor.role is Role.CLIENT:
        text = turn.t("Welcome to {brand}! I can book a reading for you.", brand=turn.deps.brand)
    else:
        text = turn.t("Hello {name}! What would you like to see?", name=turn.actor.name or "")
    return Step.end(Reply(text, choices=menu(turn)))


async def show_help(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Help, from any state, with the button that switches language."""
    return help_step(turn, offer_language=True)


async def switch_language(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The language button: its argument is the language chosen."""
    return await _choose(turn, event, event.action.arg if event.action else "")


async def switch_to_english(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Typed "english" (or its Arabic name)."""
    return await _choose(turn, event, "en")


async def switch_to_arabic(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Typed "arabic" / "عربي"."""
    return await _choose(turn, event, "ar")


async def _choose(turn: Turn[ChatDeps], event: InboundEvent, chosen: str) -> Step:
    """An explicit choice of language: saved, and this very answer is already in it."""
    if chosen not in CHOOSABLE_LANGUAGES or turn.actor.role is not Role.CLIENT:
        return help_step(turn)
    await choose_language(uow=turn.deps.uows(), client_id=turn.actor.person_id, language=chosen)
    turn.deps.forget_actor(event.channel, event.workspace, event.user_ref)
    turn.actor = replace(turn.actor, language=chosen)
    turn.translator = translator(chosen)
    return Step.end(Reply(turn.t("Language set to English."), choices=menu(turn)))


async def ask_email(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """ "my email" on any channel: give an email, or sign in as the client who has it."""
    if turn.actor.role is not Role.CLIENT:
        return help_step(turn)
    text = turn.t("What's your email? If you have booked with us before, we'll send you a code.")
    return Step.to(State.ASK_EMAIL, Reply(text))


async def on_email(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The email given after "my email"."""
    return await email_login.take_email(turn, event, code_state=State.ASK_CODE, then=_email_settled)


async def on_code(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The emailed code after "my email"."""
    return await email_login.take_code(
        turn, event, email_state=State.ASK_EMAIL, code_state=State.ASK_CODE, then=_email_settled
    )


async def _email_settled(turn: Turn[ChatDeps]) -> Step:
    """Saved or signed in: say where confirmations go, and what else there is to do."""
    email = turn.ctx.pop("login_email", None) or (turn.event.text or "").strip().lower()
    text = turn.t("Thanks! We'll send your confirmations to {email}.", email=email)
    return Step.end(Reply(text, choices=client_menu(turn)))


async def start_over(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """Drop whatever was in progress."""
    turn.ctx.clear()
    return Step.end(Reply(turn.t("OK, let's start over."), choices=menu(turn)))


async def link(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """`/link CODE`: this chat account now acts as the reader the code was made for."""
    code = (event.args or (turn.intent.link_code if turn.intent else None) or "").strip()
    if not code:
        return Step.end(Reply(turn.t("Send /link followed by your code to connect your account.")))
    sender = identity.Sender(
        channel=event.channel, workspace=event.workspace, external_user_id=event.user_ref
    )
    try:
        linked = await identity.link_account(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            identity_id=turn.actor.identity_id,
            sender=sender,
            code=code,
        )
    except errors.DomainError:
        return Step.end(Reply(turn.t("That code is invalid or has expired.")))
    turn.deps.forget_actor(event.channel, event.workspace, event.user_ref)
    profile = await reader_profile(uow=turn.deps.uows(read_only=True), reader_id=linked.reader_id)
    name = profile.brand if profile else (linked.display_name or "")
    text = turn.t("Linked! You are now signed in as {name}.", name=name)
    return Step.end(Reply(text, choices=reader_menu(turn)))


async def save_contact(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A client shared their own number from the chat app: keep it and say so."""
    if turn.actor.role is not Role.CLIENT or not event.phone:
        return await show_help(turn, event)  # a reader's number is not ours to keep
    saved = await contacts.save_client_phone(
        uows=turn.deps.uows, client_id=turn.actor.person_id, phone=event.phone
    )
    if not saved:
        return await show_help(turn, event)
    return Step.end(Reply(turn.t("Done.")))


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.ACCOUNT,
    roles=ALL_ROLES,
    entry={
        "start": welcome,
        "menu": welcome,
        "intent:greeting": welcome,
        "help": show_help,
        "intent:help": show_help,
        "cancel": start_over,
        "stop": start_over,
        "restart": start_over,
        "intent:start_over": start_over,
        "link": link,
        "intent:link": link,
        "language:en": switch_to_english,
        "language:ar": switch_to_arabic,
        "email": ask_email,
        EventKind.CONTACT.value: save_contact,
    },
    states={State.ASK_EMAIL: on_email, State.ASK_CODE: on_code},
    actions={
        Verb.HELP: show_help,
        Verb.MENU: welcome,
        Verb.RESTART: start_over,
        Verb.LANGUAGE: switch_language,
    },
)
