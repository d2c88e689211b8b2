"""The web chat as a channel adapter: `POST /api/v1/chat` answers in the response.

A turn posted by the page (or a script) is answered synchronously: the replies are the
HTTP answer. Notices (confirmations, reminders) wait in the session's inbox until the
page polls `GET /api/v1/chat/{session}/messages`. Session ids are issued by the server
(`WebChatSessions`); an id it did not issue is refused before anything runs.
`POST /api/v1/chat/upload` takes a file (a receipt) the same way, as multipart: it is
checked (10 MB, a photo or a PDF, typed by its bytes) and kept in the file store before
the turn runs, and its key is the event's file handle.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile
from pydantic import BaseModel, Field, model_validator

from bots.channel import TurnRunner
from bots.engine import InboundEvent, InboundFile
from bots.outbound import SendContext
from bots.webchat.inbox import WebchatInbox
from bots.webchat.sessions import WebChatSessions
from domain.enums import Channel
from domain.files import MAX_FILE_BYTES, FileRejected, keep_file, sniffed_type

PROVIDER = "webchat"
SESSION_SHAPE = r"^[A-Za-z0-9_.-]{8,128}$"
_FORM_OVERHEAD = 64 * 1024  # the multipart boundaries and the small fields beside the file


class ChatRequest(BaseModel):
    """One web chat message or button tap (CONTRACT.md); timezone/locale are optional extras."""

    session: str | None = Field(
        default=None,
        pattern=SESSION_SHAPE,
        description="The id a previous answer gave; omit it to start a session",
    )
    text: str | None = Field(default=None, max_length=2000)
    action: str | None = Field(default=None, max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)

    @model_validator(mode="after")
    def _one_of_text_or_action(self) -> ChatRequest:
        if (self.text is None) == (self.action is None):
            raise ValueError("send exactly one of 'text' or 'action'")
        if self.text is not None and not self.text.strip():
            raise ValueError("'text' is empty")
        return self


def _refuse_oversized(request: Request) -> None:
    """413 before the body is read when its declared length is past any acceptable upload."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FILE_BYTES + _FORM_OVERHEAD:
        raise HTTPException(413, f"a file may be at most {MAX_FILE_BYTES // 2**20} MB")


class WebchatAdapter:
    """The web chat's routes, its inbox sender, and its turns through the shared runner."""

    provider = PROVIDER

    def __init__(self, sessions: WebChatSessions) -> None:
        """Sessions check ids; the inbox is opened on the runner's storage in `bind`."""
        self._sessions = sessions
        self._runner: TurnRunner | None = None
        self._inbox: WebchatInbox | None = None

    @property
    def sender(self) -> WebchatInbox:
        """The inbox notices wait in (once bound)."""
        if self._inbox is None:
            raise HTTPException(503, "starting up")
        return self._inbox

    def bind(self, runner: TurnRunner) -> None:
        """Turns go through `runner`; the inbox lives in its storage."""
        self._runner = runner
        self._inbox = WebchatInbox(uows=runner.uows, clock=runner.clock)

    async def start(self) -> None:
        """Nothing to open: the page comes to us."""

    async def stop(self) -> None:
        """Nothing to close."""

    def issued(self, session: str) -> str:
        """The session id when this server issued it; anything else is refused."""
        if not re.match(SESSION_SHAPE, session):
            raise HTTPException(400, "bad session id")
        if not self._sessions.is_issued(session):
            raise HTTPException(401, "unknown chat session: start without one to get a new id")
        return session

    def event(self, request: ChatRequest, session: str) -> InboundEvent:
        """The engine event for one posted message or tap."""
        common: dict[str, Any] = {
            "channel": Channel.WEBCHAT,
            "chat_id": session,
            "user_ref": session,
            "locale": request.locale,
            "timezone": request.timezone,
        }
        if request.action is not None:
            return InboundEvent.from_action(payload=request.action, **common)
        return InboundEvent.from_text(text=request.text or "", **common)

    async def process(self, payload: dict[str, Any]) -> None:
        """A recorded post (a script, a replay): its replies go to the session's inbox."""
        request = ChatRequest.model_validate(payload)
        session = self.issued(request.session) if request.session else self._sessions.issue()
        # The delivery keys its replies by event id: a replayed post never answers twice.
        event_id = str(payload.get("event_id") or uuid.uuid4())
        event = replace(self.event(request, session), event_id=event_id)
        context = SendContext(Channel.WEBCHAT, user_ref=session)
        await self._bound().run(event, provider=PROVIDER, context=context)

    def order_key(self, payload: dict[str, Any]) -> str:
        """One session's posts in order."""
        return str(payload.get("session") or "")

    def router(self) -> APIRouter:
        """`POST /api/v1/chat` (and `/upload`), `GET /api/v1/chat/{session}/messages`."""
        routes = APIRouter()

        @routes.post("/api/v1/chat")
        async def chat(body: ChatRequest, response: Response) -> dict[str, Any]:
            session = self._sessions.issue() if body.session is None else self.issued(body.session)
            started = time.perf_counter()
            replies = await self._bound().answer(self.event(body, session))
            took = time.perf_counter() - started
            # The engine's share of the answer time, for browsers' dev tools and the benchmark.
            response.headers["Server-Timing"] = f"engine;dur={took * 1000:.1f}"
            return {"session": session, "replies": [reply.as_json() for reply in replies]}

        @routes.post("/api/v1/chat/upload")
        async def chat_upload(
            request: Request,
            file: Annotated[
                UploadFile, File(description="A photo (JPEG, PNG, WebP, HEIC) or a PDF")
            ],
            session: Annotated[str | None, Form(pattern=SESSION_SHAPE)] = None,
            text: Annotated[str | None, Form(max_length=2000)] = None,
            timezone: Annotated[str | None, Form(max_length=64)] = None,
            locale: Annotated[str | None, Form(max_length=16)] = None,
        ) -> dict[str, Any]:
            """A file (a receipt) with optional words, as multipart; answered like a message."""
            _refuse_oversized(request)
            known = self._sessions.issue() if session is None else self.issued(session)
            content = await file.read(MAX_FILE_BYTES + 1)
            try:
                key = await keep_file(
                    uows=self._bound().uows,
                    content=content,
                    content_type=file.content_type,
                    filename=file.filename,
                )
            except FileRejected as refused:
                raise HTTPException(413 if refused.too_large else 415, str(refused)) from None
            sent = InboundFile(key, sniffed_type(content), file.filename, len(content))
            event = InboundEvent.from_files(
                files=(sent,),
                text=text,
                channel=Channel.WEBCHAT,
                chat_id=known,
                user_ref=known,
                locale=locale,
                timezone=timezone,
            )
            replies = await self._bound().answer(event)
            return {"session": known, "replies": [reply.as_json() for reply in replies]}

        @routes.get("/api/v1/chat/{session}/messages")
        async def chat_inbox(session: str) -> dict[str, Any]:
            """Notices for a web chat session (confirmations, reminders), each returned once."""
            return {"replies": await self.sender.take(self.issued(session))}

        return routes

    def _bound(self) -> TurnRunner:
        if self._runner is None:
            raise HTTPException(503, "starting up")
        return self._runner
