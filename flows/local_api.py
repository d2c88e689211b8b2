"""Prefect's local API for one machine: started once per process and kept, never per job.

With no `PREFECT_API_URL`, Prefect 3 starts a temporary API server (a uvicorn subprocess
on SQLite under `PREFECT_HOME`) the first time a flow runs, and reuses it for the life
of the process; starting it takes about ten seconds here, so the hub does it at start-up
in a worker thread. When `PREFECT_API_URL` is set (a real `prefect server`), it is used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

# The local API's SQLite is written by flow-run calls and, in the background, by the event
# persister and the task-run recorder; their collisions come back as 503s that Prefect's
# client waits out for ~2 s each (measured: median 0.27 s, max 2.6 s per small flow run
# with them, 0.16 s / 0.54 s without). The hub keeps its own record of every side effect
# (the outbox), so the embedded API runs without them. Set a variable to override.
LEAN_LOCAL_API: Mapping[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no telemetry calls from an offline hub
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
}


def configure_local_api(var_dir: Path) -> dict[str, str]:
    """Set defaults (never overrides) for an embedded API under var/; returns what was set."""
    wanted = {
        "PREFECT_HOME": str((var_dir / "prefect").resolve()),
        # A flow run every few seconds would fill the hub's console; failures still show.
        "PREFECT_LOGGING_LEVEL": "WARNING",
        **LEAN_LOCAL_API,
    }
    applied = {k: v for k, v in wanted.items() if k not in os.environ}
    os.environ.update(applied)
    return applied


def uses_remote_api() -> bool:
    """Whether a Prefect server is configured (scaled-out mode)."""
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def start_local_api(timeout: int = 60) -> str:
    """Start (or reuse) this process's temporary API and return its URL; blocks until healthy."""
    from prefect.settings import PREFECT_API_URL

    configured = PREFECT_API_URL.value()
    if configured:
        return str(configured)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance Prefect's client picks up without a URL
    server.start(timeout=timeout)
    return server.api_url


def stop_local_api() -> None:
    """Stop the temporary API this process started (the hub's shutdown).

    Prefect stops it at interpreter exit too, but uvicorn ends `samia serve` by
    re-raising SIGTERM, which skips exit handlers and would orphan the server.
    """
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer._instances.get(None)
    if server is not None and server.running:
        server.stop()
