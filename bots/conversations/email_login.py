"""Giving an email in chat: a new one is saved, a known one is proved with an emailed code.

Both the booking (web chat asks for an email before confirming) and the account
conversation ("my email", on any channel) use these two steps; each passes the state its
code question lives in and what to do once the email is settled.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bots.conversations.common import EMAIL
from bots.conversations.deps import ChatDeps
from bots.engine import InboundEvent, Reply, Step, Turn
from bots.language import translator
from domain import errors, login
from domain.enums import EmailKind
from domain.ports.email import OutgoingEmail

log = logging.getLogger(__name__)

Then = Callable[[Turn[ChatDeps]], Awaitable[Step]]
# Six digits, perhaps typed with spaces or a dash ("123 456").
CODE = re.compile(r"^\s*(\d[\s-]?){5}\d\s*$")


async def take_email(
    turn: Turn[ChatDeps], event: InboundEvent, *, code_state: str, then: Then
) -> Step:
    """A new email goes straight on; a known one gets a code, then the code question."""
    email = (event.text or "").strip()
    if not EMAIL.match(email):
        return Step.stay(
            Reply(turn.t("That doesn't look like an email address. Please try again."))
        )
    try:
        claim = await login.claim_email(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            client_id=turn.actor.person_id,
            identity_id=turn.actor.identity_id,
            email=email,
        )
    except errors.TooManyAttempts as error:
        minutes = _minutes_until(turn, error.params["retry_at"])
        text = turn.t(
            "Too many codes for that email. Please try again in {minutes} minutes.",
            minutes=minutes,
        )
        return Step.stay(Reply(text))
    if not claim.needs_code:
        return await then(turn)
    if not await _send_code(turn, claim):
        return Step.stay(
            Reply(turn.t("We couldn't send the code just now. Please try again in a minute."))
        )
    turn.ctx["login_email"] = claim.email
    text = turn.t(
        "That email already has an account. We sent a 6-digit code to {email}: "
        "type it here to continue as that account.",
        email=claim.email,
    )
    return Step.to(code_state, Reply(text))


async def take_code(
    turn: Turn[ChatDeps], event: InboundEvent, *, email_state: str, code_state: str, then: Then
) -> Step:
    """The right code signs this chat account in; another email starts over with that one."""
    typed = (event.text or "").strip()
    if EMAIL.match(typed):
        return await take_email(turn, event, code_state=code_state, then=then)
    email = turn.ctx.get("login_email", "")
    if not CODE.match(typed):
        text = turn.t(
            "Please type the 6-digit code we sent to {email}, or another email.", email=email
        )
        return Step.stay(Reply(text))
    try:
        owner = await login.enter_code(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            identity_id=turn.actor.identity_id,
            code=re.sub(r"[\s-]", "", typed),
        )
    except errors.WrongCode as error:
        text = turn.t(
            "That code is not right. Tries left: {tries}.", tries=error.params["tries_left"]
        )
        return Step.stay(Reply(text))
    except errors.TooManyAttempts as error:
        minutes = _minutes_until(turn, error.params["retry_at"])
        text = turn.t(
            "Too many wrong codes. Please wait {minutes} minutes, then type your email "
            "for a new code.",
            minutes=minutes,
        )
        return Step.to(email_state, Reply(text))
    except errors.CodeExpired:
        text = turn.t("That code has expired. Type your email again for a new one.")
        return Step.to(email_state, Reply(text))
    _become(turn, event, owner.id, owner.language, owner.name)
    lead = Reply(turn.t("Signed in. Welcome back, {name}!", name=owner.name or owner.email or ""))
    step = await then(turn)
    return replace(step, replies=(lead, *step.replies))


def _become(
    turn: Turn[ChatDeps], event: InboundEvent, client_id: object, language: str, name: str | None
) -> None:
    """From this answer on, the turn speaks to and for the signed-in client."""
    turn.deps.forget_actor(event.channel, event.workspace, event.user_ref)
    turn.actor = replace(turn.actor, person_id=client_id, language=language, name=name)
    turn.translator = translator(language)


async def _send_code(turn: Turn[ChatDeps], claim: login.EmailClaim) -> bool:
    """Email the code; when it cannot leave, the code is withdrawn so it does not count."""
    assert claim.code is not None
    assert claim.challenge_id is not None
    brand = turn.deps.brand
    message = OutgoingEmail(
        to=claim.email,
        subject=turn.t("Your {brand} sign-in code: {code}", brand=brand, code=claim.code),
        text=turn.t(
            "Your code is {code}. It works for 10 minutes.\n\n"
            "Someone (we hope you) asked to continue as you in a new {brand} chat. "
            "If it was not you, ignore this email: nothing changes without the code.",
            brand=brand,
            code=claim.code,
        ),
        kind=EmailKind.LOGIN_CODE,
    )
    mailer = turn.deps.mailer
    try:
        if mailer is None:
            raise errors.PermanentConnectorError("no mailer configured")
        await mailer.send(message)
    except errors.ConnectorError as error:
        log.warning("login code to %s not sent: %s", claim.email, error)
        await login.withdraw_code(uow=turn.deps.uows(), challenge_id=claim.challenge_id)
        return False
    return True


def _minutes_until(turn: Turn[ChatDeps], moment: datetime) -> int:
    """Whole minutes to wait, never 0."""
    return max(1, math.ceil((moment - turn.now).total_seconds() / 60))
