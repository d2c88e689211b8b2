"""Run an ASGI app on 127.0.0.1 in a background thread, for tests and benchmarks.

Real SDKs (python-telegram-bot, slack_sdk, facebook-sdk) bring their own HTTP
transports, so the only honest way to fake their vendors offline is a real socket.
The port is ephemeral (bound as port 0 and read back) so parallel workers never collide.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, Self

import uvicorn
from starlette.types import ASGIApp

__all__ = ["LoopbackServer"]


class LoopbackServer:
    """Serve one ASGI app on an ephemeral loopback port until stopped."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        host: str = "127.0.0.1",
        startup_timeout: float = 5.0,
        shutdown_timeout: float = 5.0,
        **uvicorn_options: Any,
    ) -> None:
        """Keep the settings; nothing is bound until `start()` so construction is free."""
        options: dict[str, Any] = {
            # Quiet, deterministic defaults: no global logging reconfiguration (log_config=None),
            # no websocket stack (its deprecation warnings would fail `-W error` runs),
            # and a bounded graceful shutdown so a hung handler cannot hang the test session.
            "log_config": None,
            "log_level": "warning",
            "access_log": False,
            "ws": "none",
            "loop": "asyncio",
            "lifespan": "auto",
            "timeout_graceful_shutdown": 2,
        }
        options.update(uvicorn_options)
        self._config = uvicorn.Config(app, host=host, port=0, **options)
        self._host = host
        self._startup_timeout = startup_timeout
        self._shutdown_timeout = shutdown_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The bound port; only valid while running, so misuse fails loudly."""
        if self._port is None:
            raise RuntimeError("LoopbackServer is not running; call start() or use `with`.")
        return self._port

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self._host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server thread is up and accepting connections."""
        return self._port is not None and self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        """Start serving and block until the socket is bound, so callers can connect at once."""
        if self._thread is not None:
            raise RuntimeError("LoopbackServer already started")
        server = uvicorn.Server(self._config)
        thread = threading.Thread(target=server.run, name="loopback-uvicorn", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not server.started:
            if not thread.is_alive():
                self._server = self._thread = None
                raise RuntimeError("LoopbackServer failed to start (see uvicorn log above)")
            if time.monotonic() > deadline:
                self._abort(server, thread)
                raise TimeoutError(f"LoopbackServer did not start in {self._startup_timeout}s")
            time.sleep(0.002)
        self._port = int(server.servers[0].sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and join its thread, so no thread or socket outlives the test."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self._port = None
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(self._shutdown_timeout)
        if thread.is_alive():
            self._abort(server, thread)

    @staticmethod
    def _abort(server: uvicorn.Server, thread: threading.Thread) -> None:
        """Force uvicorn down when graceful shutdown stalls (e.g. a client never hangs up)."""
        server.should_exit = True
        server.force_exit = True
        thread.join(2.0)

    def __enter__(self) -> Self:
        """Start on entry so `with LoopbackServer(app) as server:` is ready to use."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Always stop, even when the test body failed."""
        self.stop()

    def __repr__(self) -> str:
        """Show the URL when running; handy in assertion messages."""
        where = self.url if self._port is not None else "stopped"
        return f"<LoopbackServer {where}>"
