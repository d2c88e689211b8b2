"""Transport plumbing for the Google adapter: per-thread httplib2 clients, counting, errors.

httplib2.Http is not thread-safe and the adapter runs every blocking call in a worker
thread, so each worker thread gets its own client (google-api-python-client's advice).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import google.auth.exceptions
import httplib2
from googleapiclient.errors import HttpError

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    TransientConnectorError,
    classify_http_status,
    timeout_error,
    transport_error,
)

PROVIDER = "google"
# Google answers quota overruns with 403 and one of these reasons; they clear by waiting.
_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class CountingHttp:
    """Wraps one httplib2-style client and counts the requests googleapiclient sends."""

    def __init__(self, inner: Any, on_request: Callable[[], None]) -> None:
        """Keep the real client and the callback that counts each request."""
        self._inner = inner
        self._on_request = on_request

    @property
    def credentials(self) -> Any:
        """Expose the inner client's credentials: batch requests look them up here."""
        return getattr(self._inner, "credentials", None)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        """Count, then send; token refreshes go through the inner client and are not counted."""
        self._on_request()
        return self._inner.request(*args, **kwargs)

    def close(self) -> None:
        """Close pooled connections of the inner client."""
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class HttpPool:
    """One counting client per worker thread, created on first use in that thread.

    The pool keeps strong references so every client is closed explicitly: worker
    threads come and go (anyio retires idle ones), and a client dropped with its thread
    would leave its keep-alive socket for the garbage collector.
    """

    def __init__(self, factory: Callable[[], Any]) -> None:
        """`factory` makes a fresh httplib2.Http (or AuthorizedHttp) for a new thread."""
        self._factory = factory
        self._local = threading.local()
        self._lock = threading.Lock()
        self._clients: list[tuple[threading.Thread, CountingHttp]] = []
        self.requests = 0

    def get(self) -> CountingHttp:
        """This thread's client."""
        http: CountingHttp | None = getattr(self._local, "http", None)
        if http is None:
            http = CountingHttp(self._factory(), self._count)
            self._local.http = http
            with self._lock:
                retired = [c for t, c in self._clients if not t.is_alive()]
                self._clients = [(t, c) for t, c in self._clients if t.is_alive()]
                self._clients.append((threading.current_thread(), http))
            for client in retired:
                client.close()
        return http

    def close(self) -> None:
        """Close every client's pooled connections (call when no request is in flight)."""
        with self._lock:
            clients = [c for _, c in self._clients]
        for client in clients:
            client.close()

    def _count(self) -> None:
        """Increment under a lock: several worker threads send at once."""
        with self._lock:
            self.requests += 1


def plain_http(timeout: float) -> httplib2.Http:
    """An httplib2 client like googleapiclient's build_http(), with our timeout."""
    http = httplib2.Http(timeout=timeout)
    # googleapiclient excludes 308 from redirects: some Google APIs use it for uploads.
    http.redirect_codes = http.redirect_codes - {308}
    return http


def google_reasons(body_text: str) -> set[str]:
    """The `error.errors[].reason` values of a Google JSON error body."""
    try:
        payload = json.loads(body_text)
    except ValueError:
        return set()
    error = payload.get("error") if isinstance(payload, dict) else None
    details = error.get("errors", []) if isinstance(error, dict) else []
    return {str(d.get("reason")) for d in details if isinstance(d, dict) and d.get("reason")}


def error_from_http(exc: HttpError) -> ConnectorError:
    """Map a Google HTTP error; 403 rate-limit reasons are transient, like 429."""
    status = int(exc.resp.status)
    content = exc.content
    body = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    retry_after = exc.resp.get("retry-after")
    if status == 403 and google_reasons(body) & _RATE_LIMIT_REASONS:
        return classify_http_status(PROVIDER, 429, retry_after, body)
    return classify_http_status(PROVIDER, status, retry_after, body)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn googleapiclient, google-auth and socket failures into connector errors."""
    try:
        yield
    except HttpError as exc:
        raise error_from_http(exc) from exc
    except google.auth.exceptions.RefreshError as exc:
        if getattr(exc, "retryable", False):
            raise TransientConnectorError(
                f"google token refresh failed: {exc}", provider=PROVIDER
            ) from exc
        raise AuthExpired(f"google credentials rejected: {exc}", provider=PROVIDER) from exc
    except google.auth.exceptions.TransportError as exc:
        raise transport_error(PROVIDER, exc) from exc
    except TimeoutError as exc:  # socket.timeout is TimeoutError since 3.10
        raise timeout_error(PROVIDER, exc) from exc
    except (httplib2.HttpLib2Error, OSError) as exc:
        raise transport_error(PROVIDER, exc) from exc
