"""Prefect's local API for one machine: started once per process and kept, never per job.

With no `PREFECT_API_URL`, the hub runs Prefect's API server (uvicorn on SQLite under
`PREFECT_HOME`) as a child process for the life of the process, started as early as it
can be; the flows reach it through `PREFECT_API_URL` set in their context. When
`PREFECT_API_URL` is set (a real `prefect server`), it is used.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
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


class LocalApiServer:
    """Prefect's API server for this machine, in a child process this process owns.

    Prefect's own temporary server (`SubprocessASGIServer`) is started from
    `prefect.server`, so the caller first imports the whole server (~3 s of CPU here)
    and only then spawns a child that imports it again. This runs the same uvicorn
    command without that import, as the first thing the flows worker does, so the
    child's start-up overlaps the worker's own imports (ready in ~6 s instead of ~11 s).
    """

    def __init__(self) -> None:
        """Nothing runs until `spawn()`."""
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The API's base URL, as `PREFECT_API_URL` spells it."""
        return f"http://127.0.0.1:{self.port}/api"

    def spawn(self) -> None:
        """Start the child (returns at once); a no-op when it is already running."""
        if self._process is not None and self._process.poll() is None:
            return
        self.port = _free_port()
        # The server opens its SQLite under PREFECT_HOME but does not create the folder.
        if home := os.environ.get("PREFECT_HOME"):
            Path(home).mkdir(parents=True, exist_ok=True)
        # The same command and environment Prefect uses for its temporary server.
        environment = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        environment.pop("PREFECT_API_URL", None)
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=environment,
        )
        atexit.register(self.stop)

    def wait_until_healthy(self, timeout: float) -> str:
        """Block until `/health` answers 200; returns the URL, raises when it cannot start."""
        self.spawn()
        deadline = time.monotonic() + timeout
        while not _answers(self.url):
            process = self._process
            if process is None or process.poll() is not None:
                code = None if process is None else process.returncode
                if code != PORT_TAKEN:
                    raise RuntimeError(f"Prefect's local API exited with code {code}")
                self.spawn()  # another program took the port meanwhile
            if time.monotonic() > deadline:
                raise RuntimeError(f"Prefect's local API did not answer within {timeout:.0f} s")
            time.sleep(0.1)
        return self.url

    @property
    def spawned_url(self) -> str | None:
        """The URL while the child runs, else None."""
        running = self._process is not None and self._process.poll() is None
        return self.url if running else None

    def stop(self) -> None:
        """Terminate the child (the hub's shutdown, and at exit)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PORT_TAKEN = 3  # uvicorn's exit code when it cannot bind
_server = LocalApiServer()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(api_url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{api_url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def spawn_local_api() -> str | None:
    """Start this process's local API now, without waiting; its URL (None: one is configured).

    `samia serve` calls it before anything else, so the API's ~5 s start-up overlaps the
    web server's and the worker's own, and hands the URL to the worker child.
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    _server.spawn()
    return _server.url


def local_api_url() -> str | None:
    """The URL of the local API this process runs, if it runs one."""
    return _server.spawned_url


def start_local_api(timeout: int = 60) -> str:
    """The API URL once it answers: the configured server, else this process's own."""
    configured = os.environ.get("PREFECT_API_URL")
    if not configured:
        return _server.wait_until_healthy(timeout)
    deadline = time.monotonic() + timeout
    while not _answers(configured):  # e.g. the parent's local API, still starting
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Prefect API at {configured} did not answer in {timeout} s")
        time.sleep(0.1)
    return configured


def prepare_local_database(var_dir: Path) -> Callable[[], None] | None:
    """Start creating Prefect's local database now; returns the wait (None: nothing to do).

    Prefect's API migrates its database when it first starts (~5 s here). `samia init`
    starts it before its own migration and demo seeding, so that happens meanwhile and
    the first `samia serve` starts as quickly as later ones.
    """
    configure_local_api(var_dir)
    database = Path(os.environ["PREFECT_HOME"]) / "prefect.db"
    if database.exists() or spawn_local_api() is None:
        return None

    def wait() -> None:
        try:
            start_local_api()
        finally:
            stop_local_api()

    return wait


def stop_local_api() -> None:
    """Stop the local API this process started (the hub's shutdown).

    `atexit` stops it too, but uvicorn ends `samia serve` by re-raising SIGTERM, which
    skips exit handlers and would orphan the server.
    """
    _server.stop()
