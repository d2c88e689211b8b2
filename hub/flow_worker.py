"""The flows next to `samia serve`, in their own process (`samia flows work`).

A flow run costs the Prefect client ~100-200 ms of CPU. In the web server's event loop
that time is taken from every chat turn and webhook acknowledgement waiting behind it
(measured with bench/chat_turns.py: p99 816 ms with flows inline, see README). In a child
process it runs on another core. The web process supervises the child: it restarts it
when it dies, and it stops it on shutdown. The child watches its stdin, so it also ends
when the web process is killed without a chance to stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import SecretStr

from hub.gc_tuning import keep_full_collections_rare
from hub.settings import Settings

log = logging.getLogger(__name__)

READY_LINE = "flows ready"
RESTART_DELAYS = (1.0, 2.0, 5.0, 15.0, 60.0)  # seconds between restarts of a dying worker
# How long a stopping worker lets rows in flight finish before it cuts them off and gives
# them back to the outbox: `samia serve` stops within 5 s (web drain, worker, local API).
STOP_GRACE_SECONDS = 2.0


class WorkerState(StrEnum):
    """What `/healthz` says about the flows."""

    STARTING = "starting"
    READY = "ready"
    RESTARTING = "restarting"
    STOPPED = "stopped"


def settings_environment(settings: Settings) -> dict[str, str]:
    """The `SAMIA_*` variables that rebuild `settings` in another process."""
    names = {f"SAMIA_{name.upper()}" for name in Settings.model_fields}
    environment = {k: v for k, v in os.environ.items() if k not in names}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, Path):
            value = value.resolve()
        environment[f"SAMIA_{name.upper()}"] = str(value)
    return environment


class FlowWorkerProcess:
    """One `samia flows work` child, kept running while the web server runs."""

    def __init__(
        self,
        settings: Settings,
        *,
        command: tuple[str, ...] = (
            sys.executable,
            "-m",
            "hub.cli",
            "flows",
            "work",
            "--stop-when-stdin-closes",
        ),
        environment: Mapping[str, str] | None = None,
    ) -> None:
        """Nothing starts until `start()`."""
        from flows.local_api import local_api_url

        self._command = command
        self._environment = dict(environment or settings_environment(settings))
        if (api_url := local_api_url()) is not None:
            # `samia serve` started Prefect's local API already: the worker uses that one.
            self._environment.setdefault("PREFECT_API_URL", api_url)
        self._process: asyncio.subprocess.Process | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self.state = WorkerState.STOPPED
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        """The current child's process id (tests, metrics)."""
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        """Spawn the child and watch it in the background."""
        self._stopping = False
        self._loop = asyncio.get_running_loop()
        self._watcher = asyncio.create_task(self._watch(), name="flow-worker")

    def request_stop_threadsafe(self) -> None:
        """Tell the child to stop now, from a signal handler: it stops while the web drains."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._request_stop)

    def _request_stop(self) -> None:
        self._stopping = True
        process = self._process
        if process is not None and process.returncode is None and process.stdin is not None:
            process.stdin.close()  # the child's signal to finish (see _watch_stdin)

    async def stop(self, grace: float = STOP_GRACE_SECONDS + 1.5) -> None:
        """Ask the child to finish its current run (closing its stdin), then make sure."""
        self._request_stop()
        process = self._process
        if process is not None and process.returncode is None:
            asked = asyncio.get_running_loop().time()
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                log.warning("the flows worker did not stop within %.0f s; killing it", grace)
                process.kill()
                await process.wait()
            took = asyncio.get_running_loop().time() - asked
            _say(f"flows: worker stopped in {took:.1f} s (unfinished rows go to the next run)")
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        self.state = WorkerState.STOPPED

    async def _watch(self) -> None:
        failures = 0
        while not self._stopping:
            self.state = WorkerState.STARTING if failures == 0 else WorkerState.RESTARTING
            started = asyncio.get_running_loop().time()
            code = await self._run_once()
            if self._stopping:
                return
            if asyncio.get_running_loop().time() - started > 300:
                failures = 0  # it ran a good while: a fresh failure, not a crash loop
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
            failures += 1
            self.restarts += 1
            self.state = WorkerState.RESTARTING
            log.error("the flows worker exited with %s; restarting in %.0f s", code, delay)
            await asyncio.sleep(delay)

    async def _run_once(self) -> int:
        self._process = process = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=self._environment,
            start_new_session=True,  # Ctrl-C reaches the server, which then stops us in order
        )
        assert process.stdout is not None
        spawned = asyncio.get_running_loop().time()
        _say(
            f"flows: worker started (pid {process.pid}); waiting for Prefect's local API"
            " and the first outbox poll before it is ready"
        )
        async for raw in process.stdout:
            line = raw.decode(errors="replace").strip()
            if line == READY_LINE:
                self.state = WorkerState.READY
                elapsed = asyncio.get_running_loop().time() - spawned
                _say(f"flows: worker ready after {elapsed:.1f} s")
            elif line:
                # The worker's own messages, on the server's console.
                sys.stdout.write(f"{line}\n")
                sys.stdout.flush()
        return await process.wait()


def _say(line: str) -> None:
    """One line of the worker's life on the server's console, whatever the log level."""
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


async def run_flow_worker(settings: Settings, *, stop_when_stdin_closes: bool = False) -> None:
    """`samia flows work`: the dispatcher loop until SIGTERM or SIGINT (or stdin closes)."""
    from hub.dispatcher import DispatcherOptions, FlowDispatcher, schedules_for
    from hub.flow_deps import build_deps

    deps = await build_deps(settings)
    options = DispatcherOptions(schedules=schedules_for(settings))
    dispatcher = FlowDispatcher(deps, var_dir=settings.var_dir, options=options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if stop_when_stdin_closes:
        _watch_stdin(loop, stop)
    await dispatcher.start()
    ready = asyncio.create_task(dispatcher.ready.wait())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({ready, stopped}, return_when=asyncio.FIRST_COMPLETED)
    # Prefect's start-up leaves a large heap; a full collection of it pauses the process,
    # and a pause while a SQLite write is open stalls the web server's writers too.
    keep_full_collections_rare()
    if dispatcher.ready.is_set():
        sys.stdout.write(f"{READY_LINE}\n")  # the line the supervising server waits for
        sys.stdout.flush()
    await stopped
    ready.cancel()
    await dispatcher.stop(grace=STOP_GRACE_SECONDS)


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Set `stop` when the parent closes our stdin or dies (its end of the pipe closes)."""

    def wait_for_end_of_input() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        with contextlib.suppress(RuntimeError):  # the loop already ended
            loop.call_soon_threadsafe(stop.set)

    # A daemon thread: a blocked read must not keep the process alive at exit.
    threading.Thread(target=wait_for_end_of_input, name="stdin-watch", daemon=True).start()
