"""The ASGI app of `samia serve`: web chat, REST API, health and metrics."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from pydantic import BaseModel, Field, model_validator

from bots.engine import InboundEvent
from bots.webchat import WebChatSessions
from domain.enums import Channel
from flows.local_api import stop_local_api
from hub import api, booking_routes, pages
from hub.channels import ChannelHub, ChannelOptions
from hub.dispatcher import DispatcherOptions, FlowDispatcher, start_dispatcher
from hub.flow_worker import FlowWorkerProcess, WorkerState
from hub.gc_tuning import keep_full_collections_rare
from hub.runtime import Runtime, build_runtime
from hub.secrets import secret_key_material
from hub.settings import FlowsMode, Settings

SESSION_SHAPE = r"^[A-Za-z0-9_.-]{8,128}$"
CHAT_TURNS = Counter("samia_chat_turns_total", "Chat turns handled", ["channel"])
CHAT_LATENCY = Histogram("samia_chat_turn_seconds", "Time to answer one chat turn", ["channel"])


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


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    channel_options: ChannelOptions | None = None,
    flows: DispatcherOptions | None = None,
) -> FastAPI:
    """The hub's ASGI app; `runtime` and `channel_options` let tests inject clock and limits.

    When the app owns its runtime (`samia serve`), `settings.flows` says where flows run
    (by default a child process); `flows` runs them in this event loop (tests).
    """
    channels = ChannelHub(settings, channel_options)
    sessions = WebChatSessions(secret_key_material(settings))

    def issued_session(session: str) -> str:
        """The session id when this server issued it; anything else is refused."""
        if not re.match(SESSION_SHAPE, session):
            raise HTTPException(400, "bad session id")
        if not sessions.is_issued(session):
            raise HTTPException(401, "unknown chat session: start without one to get a new id")
        return session

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        app.state.runtime = runtime or await build_runtime(settings)
        dispatcher: FlowDispatcher | None = None
        worker: FlowWorkerProcess | None = None
        try:
            started = await channels.start(app.state.runtime)
            mode = settings.flows if owned else FlowsMode.OFF
            if mode is FlowsMode.INLINE or flows is not None:
                dispatcher = await start_dispatcher(
                    settings, app.state.runtime, started.notifier, flows
                )
            elif mode is FlowsMode.WORKER:
                worker = FlowWorkerProcess(settings)
                await worker.start()
            app.state.dispatcher, app.state.flow_worker = dispatcher, worker
            if owned:
                keep_full_collections_rare()
            yield
        finally:
            if worker is not None:
                await worker.stop()
                await anyio.to_thread.run_sync(stop_local_api)  # the one `samia serve` started
            if dispatcher is not None:
                await dispatcher.stop()
            await channels.stop()
            if owned:
                await app.state.runtime.close()

    app = FastAPI(title="Samia hub", version="0.1.0", lifespan=lifespan)
    app.state.channels = channels
    for webhook_routes in channels.routers():  # only configured platforms: others are 404
        app.include_router(webhook_routes)
    app.include_router(booking_routes.router(settings))  # Zoom webhooks, ICS feeds

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        reasons = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
        return JSONResponse({"error": "bad request", "detail": reasons}, status_code=400)

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request) -> dict[str, str]:
        return {"status": "ok", "flows": _flows_state(request.app)}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(pages.router())

    @app.post("/api/v1/chat")
    async def chat(body: ChatRequest, request: Request, response: Response) -> dict[str, Any]:
        runtime: Runtime = request.app.state.runtime
        session = sessions.issue() if body.session is None else issued_session(body.session)
        common: dict[str, Any] = {
            "channel": Channel.WEBCHAT,
            "chat_id": session,
            "user_ref": session,
            "locale": body.locale,
            "timezone": body.timezone,
        }
        if body.action is not None:
            event = InboundEvent.from_action(payload=body.action, **common)
        else:
            event = InboundEvent.from_text(text=body.text or "", **common)
        started = time.perf_counter()
        replies = await runtime.engine.handle(event)
        took = time.perf_counter() - started
        CHAT_LATENCY.labels("webchat").observe(took)
        CHAT_TURNS.labels("webchat").inc()
        # The engine's share of the answer time, for browsers' dev tools and the benchmark.
        response.headers["Server-Timing"] = f"engine;dur={took * 1000:.1f}"
        return {"session": session, "replies": [reply.as_json() for reply in replies]}

    @app.get("/api/v1/chat/{session}/messages")
    async def chat_inbox(session: str) -> dict[str, Any]:
        """Notices for a web chat session (confirmations, reminders), each returned once."""
        return {"replies": await channels.inbox.take(issued_session(session))}

    app.include_router(api.router(settings), prefix="/api/v1")
    app.include_router(api.outbox_router(settings))
    return app


def _flows_state(app: FastAPI) -> str:
    """Whether flows run here: ready, starting, restarting (the worker died) or off."""
    worker: FlowWorkerProcess | None = getattr(app.state, "flow_worker", None)
    if worker is not None:
        return worker.state.value
    dispatcher: FlowDispatcher | None = getattr(app.state, "dispatcher", None)
    if dispatcher is not None:
        return (WorkerState.READY if dispatcher.ready.is_set() else WorkerState.STARTING).value
    return "off"


__all__ = ("create_app",)
