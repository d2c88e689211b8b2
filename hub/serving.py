"""`samia serve`: uvicorn around the hub app, with a stop that takes seconds, not minutes.

On SIGTERM or Ctrl-C uvicorn stops accepting, lets requests in flight finish (at most
`DRAIN_SECONDS`), then runs the app's shutdown: the flows worker, Prefect's local API,
the channels. The worker is told at the signal itself, so it finishes (or gives back)
its outbox rows while the web side drains; the whole stop stays within 5 s.
"""

from __future__ import annotations

from types import FrameType

import uvicorn
from fastapi import FastAPI

from hub.flow_worker import FlowWorkerProcess
from hub.settings import FlowsMode, Settings

DRAIN_SECONDS = 2  # chat turns and webhooks take milliseconds; a stuck one is cut off


class HubServer(uvicorn.Server):
    """uvicorn's server, telling the flows worker to stop as soon as the signal arrives."""

    def __init__(self, config: uvicorn.Config, *, app: FastAPI) -> None:
        """`app` is the hub app itself (uvicorn's `loaded_app` is wrapped in middleware)."""
        super().__init__(config)
        self._hub_app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """uvicorn's own handling, then the worker's stop request (thread-safe)."""
        super().handle_exit(sig, frame)
        worker = getattr(self._hub_app.state, "flow_worker", None)
        if isinstance(worker, FlowWorkerProcess):
            worker.request_stop_threadsafe()


def serve(settings: Settings, *, host: str, port: int) -> None:
    """Run the hub until a signal; Prefect's local API starts first, as early as it can."""
    if settings.flows is FlowsMode.WORKER:
        from flows.local_api import configure_local_api, spawn_local_api

        configure_local_api(settings.var_dir)
        spawn_local_api()  # its ~5 s start-up overlaps the web server's imports
    from hub.app import create_app

    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=DRAIN_SECONDS,
    )
    HubServer(config, app=app).run()
