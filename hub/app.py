"""The ASGI app of `samia serve`: web chat, REST API, health and metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from flows.local_api import stop_local_api
from hub import (
    analytics_routes,
    api,
    booking_routes,
    expense_routes,
    file_routes,
    invoice_routes,
    ledger_routes,
    mailchimp_routes,
    pages,
    payment_routes,
    payout_routes,
    unsubscribe_routes,
)
from hub.channels import ChannelHub, ChannelOptions
from hub.dashboard import assets as dashboard_assets
from hub.dashboard import routes as dashboard_routes
from hub.dispatcher import DispatcherOptions, FlowDispatcher, start_dispatcher
from hub.flow_worker import FlowWorkerProcess, WorkerState
from hub.gc_tuning import keep_full_collections_rare
from hub.link_guard import API_PREFIX
from hub.live_metrics import refresh_live_gauges
from hub.runtime import Runtime, build_runtime
from hub.settings import FlowsMode, Settings

log = logging.getLogger(__name__)


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
    async def metrics(request: Request) -> Response:
        runtime = request.app.state.runtime
        try:
            await refresh_live_gauges(uows=runtime.database.uows, clock=runtime.clock)
        except Exception:  # a database hiccup must not hide the process's own metrics
            log.exception("live figures for /metrics failed")
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(pages.router())
    app.include_router(dashboard_routes.router(settings))  # /dashboard: pages and CSV
    app.include_router(dashboard_assets.router())  # its CSS, script and plotly.js
    app.include_router(payment_routes.router())  # the built-in pay page
    app.include_router(payment_routes.stripe_router(settings))
    app.include_router(mailchimp_routes.router(settings))  # list events: unsubscribes
    app.include_router(unsubscribe_routes.router(settings))  # the link in our emails

    app.include_router(api.router(settings), prefix=API_PREFIX)
    app.include_router(analytics_routes.router(settings), prefix=API_PREFIX)
    app.include_router(invoice_routes.router(settings), prefix=API_PREFIX)
    app.include_router(ledger_routes.router(settings), prefix=API_PREFIX)
    app.include_router(payout_routes.router(settings), prefix=API_PREFIX)
    app.include_router(expense_routes.router(settings), prefix=API_PREFIX)
    app.include_router(file_routes.router(settings), prefix=API_PREFIX)  # charts
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
