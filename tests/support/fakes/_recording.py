"""Shared plumbing for the vendor fakes: call recording, failure scripting, body parsing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from starlette.requests import Request
from starlette.types import ASGIApp

from tests.support.loopback import LoopbackServer

__all__ = [
    "FakeVendor",
    "RecordedCall",
    "ScriptedFailure",
    "UploadedFile",
    "decode_json_fields",
    "read_request",
]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A multipart file part, kept whole so tests can assert on the bytes an SDK uploaded."""

    field: str
    filename: str | None
    content_type: str | None
    content: bytes

    @property
    def size(self) -> int:
        """Byte length, as vendors report it back in `file_size` / `size`."""
        return len(self.content)


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One request the fake received, including the ones it was told to fail."""

    method: str
    params: dict[str, Any]
    status: int
    http_method: str
    path: str
    headers: dict[str, str]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    monotonic: float = field(default_factory=time.monotonic)
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class ScriptedFailure:
    """A canned error response the next call of a method gets instead of success."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeVendor:
    """Base for the fakes: records calls, scripts failures, and can serve itself on loopback.

    The app runs in the server thread while tests read from theirs, hence the lock.
    """

    def __init__(self) -> None:
        """Start with no calls and no scripted failures."""
        self._lock = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._failures: defaultdict[str, deque[ScriptedFailure]] = defaultdict(deque)
        self._server: LoopbackServer | None = None

    @property
    def app(self) -> ASGIApp:
        """The ASGI app speaking the vendor's wire format; subclasses build it."""
        raise NotImplementedError

    # -- serving ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Loopback base URL (no trailing slash) while serving via `start()` / `with`."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not serving; use `with fake:`")
        return self._server.url

    def start(self) -> Self:
        """Serve the app on an ephemeral loopback port."""
        if self._server is None:
            self._server = LoopbackServer(self.app).start()
        return self

    def stop(self) -> None:
        """Stop serving; recorded calls stay available for assertions."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Self:
        """Start serving on entry."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop serving on exit, even after a failing test body."""
        self.stop()

    # -- recording -------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Calls so far, oldest first, optionally only those of one API method."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def last(self, method: str | None = None) -> RecordedCall:
        """The most recent call (of `method`), failing loudly when there is none."""
        found = self.calls(method)
        if not found:
            seen = sorted({c.method for c in self.calls()})
            raise AssertionError(f"no {method or 'API'} call recorded; methods seen: {seen}")
        return found[-1]

    def reset(self) -> None:
        """Forget calls and pending failures so one served fake can be shared across tests."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._reset_state()

    def _reset_state(self) -> None:
        """Hook for subclasses to clear vendor-side state (message ids, uploads...)."""

    def wait_for(self, method: str, count: int = 1, within: float = 2.0) -> list[RecordedCall]:
        """Block until `count` calls of `method` arrived; for SDKs running in another thread."""
        deadline = time.monotonic() + within
        with self._lock:
            while len(found := [c for c in self._calls if c.method == method]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._lock.wait(remaining):
                    raise AssertionError(f"expected {count} {method} call(s), got {len(found)}")
            return found

    async def async_wait_for(
        self, method: str, count: int = 1, within: float = 2.0
    ) -> list[RecordedCall]:
        """Like `wait_for`, but yields to the event loop that is making the calls."""
        deadline = time.monotonic() + within
        while len(found := self.calls(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} {method} call(s), got {len(found)}")
            await asyncio.sleep(0.005)
        return found

    def _record_request(
        self,
        request: Request,
        method: str,
        params: dict[str, Any],
        status: int,
        files: dict[str, UploadedFile] | None = None,
    ) -> None:
        """Append the call as answered and wake `wait_for` callers."""
        call = RecordedCall(
            method=method,
            params=params,
            status=status,
            http_method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            files=files or {},
        )
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()

    # -- failure scripting -----------------------------------------------------------------

    def _script(self, method: str, failure: ScriptedFailure, times: int) -> None:
        """Queue `times` copies of a failure for `method` (``"*"`` matches any method)."""
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._failures[method].extend([failure] * times)

    def _take_failure(self, method: str) -> ScriptedFailure | None:
        """Pop the next scripted failure for `method`, if any."""
        with self._lock:
            for key in (method, "*"):
                queue = self._failures.get(key)
                if queue:
                    return queue.popleft()
        return None


async def read_request(request: Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Merge query string and body (JSON, urlencoded or multipart) the way vendor APIs do."""
    params: dict[str, Any] = dict(request.query_params)
    files: dict[str, UploadedFile] = {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        raw = await request.body()
        if raw.strip():
            body = json.loads(raw)
            if isinstance(body, dict):
                params.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, str):
                    params[key] = value
                else:
                    files[key] = UploadedFile(
                        field=key,
                        filename=value.filename,
                        content_type=value.content_type,
                        content=await value.read(),
                    )
    return params, files


def decode_json_fields(params: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """JSON-decode the form fields that SDKs serialise as JSON strings (blocks, markup...)."""
    decoded = dict(params)
    for key in keys & decoded.keys():
        value = decoded[key]
        if isinstance(value, str) and value[:1] in ("{", "["):
            # A malformed value stays a raw string: the vendor would reject it, and so will
            # the test's assertion.
            with contextlib.suppress(ValueError):
                decoded[key] = json.loads(value)
    return decoded
