"""Builds the engine with every conversation, the identity resolver and the interpreter."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bots.conversations import (
    account,
    booking,
    campaigns,
    client_records,
    dashboard,
    follow_ups,
    loyalty,
    manage,
    money,
    platform_chat,
    preferences,
    ratings,
    reader,
    reports,
    segments,
    stats,
    stats_common,
)
from bots.conversations.common import help_step
from bots.conversations.deps import ChatDeps, actor_key
from bots.engine import (
    Actor,
    ConversationStore,
    Engine,
    InboundEvent,
    Interpretation,
    Reply,
    Step,
    Turn,
    typed_phrase,
)
from bots.language import negotiate_language, parse_intent, translator
from domain import identity
from domain.enums import Role
from domain.script import language_of_text

# Commands that work whatever the conversation is doing.
GLOBAL_COMMANDS = {"cancel": "cancel", "help": "help", "start": "start", "link": "link"}
# A language named on its own is a switch to it, in either language's words.
LANGUAGE_WORDS = {
    "english": "language:en",
    "in english": "language:en",
    "انجليزي": "language:en",
    "إنجليزي": "language:en",
    "الإنجليزية": "language:en",
    "الانجليزية": "language:en",
    "arabic": "language:ar",
    "in arabic": "language:ar",
    "عربي": "language:ar",
    "العربية": "language:ar",
    "بالعربي": "language:ar",
}
# Whole typed phrases that mean a command even in the middle of a question (an email, a
# name, a day): answering them as a wrong answer would leave the person stuck.
TYPED_COMMANDS = {
    "help": "help",
    "مساعدة": "help",
    "cancel": "cancel",
    "إلغاء": "cancel",
    "الغاء": "cancel",
    "start over": "restart",
    "restart": "restart",
    "ابدأ من جديد": "restart",
    "من جديد": "restart",
    "menu": "menu",
    "القائمة": "menu",
    "my bookings": "mybookings",
    "حجوزاتي": "mybookings",
    **LANGUAGE_WORDS,
    **dashboard.TYPED,  # readers and admins; anyone else's answer is unchanged
    **preferences.TYPED,  # clients: "stop messages", "only email", "my preferences"
}
# Typed alone at the top level, these ask for the email (to save it, or to sign in with it).
EMAIL_WORDS = {
    "my email": "email",
    "email": "email",
    "sign in": "email",
    "log in": "email",
    "login": "email",
    "بريدي": "email",
    "بريدي الإلكتروني": "email",
    "تسجيل الدخول": "email",
}
FALLBACK_MESSAGES = {
    "unknown_command": "I don't know that command. Here is what I can do:",
    "not_understood": "I didn't understand that. Here is what I can do:",
    "stale_action": "That button is no longer active. Here is what I can do:",
    "unsupported_language": "I only speak English and Arabic for now. Here is what I can do:",
}


class ChatIdentityResolver:
    """The engine's IdentityResolver on top of the domain's identity service."""

    def __init__(self, deps: ChatDeps) -> None:
        """Use the chat deps' unit of work and clock."""
        self._deps = deps

    async def resolve(self, event: InboundEvent) -> Actor:
        """Who sent this event (cached briefly per chat account)."""
        key = actor_key(event.channel, event.workspace, event.user_ref)
        return await self._deps.actors.get(key, lambda: self._resolve(event))  # type: ignore[no-any-return]

    async def _resolve(self, event: InboundEvent) -> Actor:
        """Look the sender up, creating a client on first contact."""
        sender = event.sender
        clock = self._deps.clock
        resolved = await identity.known_sender(
            uow=self._deps.uows(read_only=True), clock=clock, sender=sender
        ) or await identity.resolve_sender(
            uow=self._deps.uows(),
            clock=clock,
            sender=sender,
            default_timezone=_valid_zone(event.timezone) or self._deps.default_timezone,
            written_language=language_of_text(event.text),
        )
        ident, client = resolved.identity, resolved.client
        if ident.role is Role.CLIENT and client is not None:
            language = negotiate_language([client.language, ident.locale])
            return Actor(
                Role.CLIENT,
                client.id,
                language,
                client.timezone,
                client.name,
                ident.id,
                resolved.is_new,
            )
        from domain.booking.queries import reader_profile

        person = await reader_profile(
            uow=self._deps.uows(read_only=True), reader_id=ident.reader_id
        )
        language = negotiate_language([ident.locale, *(person.languages if person else [])])
        zone = person.timezone if person else self._deps.default_timezone
        name = person.brand if person else ident.display_name
        person_id = ident.reader_id if ident.role is Role.READER else ident.admin_id
        return Actor(ident.role, person_id, language, zone, name, ident.id)


def _valid_zone(name: str | None) -> str | None:
    """A zone the page reported, if it is a real IANA name."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


async def interpret(turn: Turn[ChatDeps], text: str) -> Interpretation:
    """Free text to an entry point: schedule edits for readers, intents for everyone."""
    if turn.actor.role in dashboard.ROLES and (entry := dashboard.intent(text)):
        return Interpretation(entry)
    if turn.actor.role is Role.READER and (
        reader.HOURS.match(text.strip().lower()) or reader.TIME_OFF.match(text.strip().lower())
    ):
        return Interpretation("intent:schedule")
    if turn.actor.role is Role.READER and (entry := money.reader_intent(text)):
        return Interpretation(entry)
    if turn.actor.role is Role.READER and (entry := reports.reader_intent(text)):
        return Interpretation(entry)
    if turn.actor.role is Role.READER and (
        entry := client_records.intent(text) or segments.intent(text)
    ):  # before stats: "client @maria" is a record, "clients" stays a figure
        return Interpretation(entry)
    if turn.actor.role is Role.READER and (entry := stats_common.reader_intent(text)):
        return Interpretation(entry)
    if turn.actor.role in campaigns.ROLES and (entry := campaigns.intent(text)):
        return Interpretation(entry)
    if turn.actor.role is Role.READER and (entry := follow_ups.intent(text)):
        return Interpretation(entry)
    if turn.actor.role is Role.ADMIN and (entry := platform_chat.admin_intent(text)):
        return Interpretation(entry)
    # Typed alone a language name is a switch at the top level too, not only mid-question.
    phrase = typed_phrase(text)
    if turn.actor.role is Role.CLIENT and (entry := preferences.client_intent(text)):
        return Interpretation(entry)  # a bare "stop" here is offers off; /stop starts over
    if turn.actor.role is Role.CLIENT and (entry := loyalty.client_intent(text)):
        return Interpretation(entry)
    if turn.actor.role is Role.CLIENT and phrase in money.CLIENT_WORDS:
        return Interpretation("my_invoices")
    switch = LANGUAGE_WORDS.get(phrase) or EMAIL_WORDS.get(phrase)
    if switch and turn.actor.role is Role.CLIENT:
        return Interpretation(switch)
    intent = parse_intent(
        text,
        now=turn.now,
        client_zone=turn.actor.timezone,
        language_hint=turn.actor.language,
        reader_names=turn.deps.reader_names,
    )
    if intent.unsupported_language:
        return Interpretation("intent:unsupported_language", intent)
    if turn.actor.role is Role.READER and phrase in {*reader.CONVERSATION.entry, "invoices"}:
        return Interpretation(phrase, intent)
    return Interpretation(f"intent:{intent.kind.value}", intent)


async def fallback(turn: Turn[ChatDeps], reason: str) -> Step:
    """Anything nothing else handled gets help with buttons, never a dead end."""
    if reason == "not_understood" and turn.intent is not None and turn.intent.unsupported_language:
        reason = "unsupported_language"
    return help_step(turn, FALLBACK_MESSAGES.get(reason, FALLBACK_MESSAGES["not_understood"]))


def build_engine(*, deps: ChatDeps, store: ConversationStore) -> Engine[ChatDeps]:
    """The one engine every channel adapter shares."""
    return Engine(
        conversations=[
            loyalty.CONVERSATION,  # before account: a client's /start may carry ref_CODE
            account.CONVERSATION,
            booking.CONVERSATION,
            manage.CONVERSATION,
            reader.CONVERSATION,
            money.CONVERSATION,
            money.CLIENT_CONVERSATION,
            reports.CONVERSATION,
            dashboard.CONVERSATION,
            stats.CONVERSATION,
            platform_chat.CONVERSATION,
            campaigns.CONVERSATION,
            ratings.CONVERSATION,
            follow_ups.CONVERSATION,
            preferences.CONVERSATION,
            client_records.CONVERSATION,
            segments.CONVERSATION,
        ],
        store=store,
        identities=ChatIdentityResolver(deps),
        clock=deps.clock,
        deps=deps,
        translator_for=translator,
        interpret=interpret,
        fallback=fallback,
        global_entries=GLOBAL_COMMANDS,
        typed_commands=TYPED_COMMANDS,
    )


__all__ = ("Reply", "build_engine")
