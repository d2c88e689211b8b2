"""`ChannelFiles` over plain HTTP: Messenger / Instagram attachment URLs, Slack's private URLs.

The body is streamed and cut off past the hub's file limit, so a huge file never sits in
memory. A bearer token (Slack's) is sent only to the platform's own hosts, and httpx
drops it on a redirect to another origin. Error texts name the host, never the URL:
Meta's attachment URLs carry signatures.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx
from pydantic import SecretStr

from domain.errors import PermanentConnectorError, TransientConnectorError
from domain.files import MAX_FILE_BYTES, FileRejected, check_size
from domain.ports.files import FetchedFile

_HTML = "text/html"


class UrlFiles:
    """Fetches files a platform hands over as URLs (GET, redirects followed, 10 MB at most)."""

    def __init__(
        self,
        *,
        provider: str,
        token: SecretStr | None = None,
        token_hosts: Iterable[str] = (),
        html_hint: str = "",
        timeout: float = 30.0,
    ) -> None:
        """`token` goes as `Authorization: Bearer` to `token_hosts` only; nothing is called yet."""
        self._provider = provider
        self._token = token
        self._token_hosts = frozenset(host.lower() for host in token_hosts)
        self._html_hint = html_hint  # what a web page instead of the file usually means
        self._client = httpx.AsyncClient(
            follow_redirects=True, timeout=httpx.Timeout(timeout, connect=10.0)
        )

    async def fetch(self, ref: str) -> FetchedFile:
        """GET the file; 429 and 5xx are transient, other 4xx permanent."""
        url = httpx.URL(ref)
        if url.scheme not in ("https", "http") or not url.host:
            raise PermanentConnectorError("not a file URL", provider=self._provider)
        headers = {}
        if self._token is not None and url.host.lower() in self._token_hosts:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                self._check_status(response, url.host)
                declared = response.headers.get("content-type")
                length = response.headers.get("content-length")
                check_size(int(length) if length and length.isdigit() else None)
                content = await _read_limited(response)
        except httpx.TransportError as exc:  # timeouts, refused or dropped connections
            raise TransientConnectorError(
                f"{type(exc).__name__} fetching a file from {url.host}", provider=self._provider
            ) from None
        if declared and declared.lower().startswith(_HTML):
            raise PermanentConnectorError(
                f"{url.host} answered with a web page instead of the file{self._html_hint}",
                provider=self._provider,
            )
        return FetchedFile(content, declared, _name(url))

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    def _check_status(self, response: httpx.Response, host: str) -> None:
        status = response.status_code
        if status < 400:
            return
        message = f"HTTP {status} fetching a file from {host}"
        if status == 429 or status >= 500:
            wait = response.headers.get("retry-after", "")
            raise TransientConnectorError(
                message,
                provider=self._provider,
                status=status,
                retry_after=float(wait) if wait.isdigit() else None,
            )
        raise PermanentConnectorError(message, provider=self._provider, status=status)


async def _read_limited(response: httpx.Response) -> bytes:
    """The body, refused as soon as it grows past the limit (whatever the headers said)."""
    chunks, total = [], 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise FileRejected(
                f"the file is over {MAX_FILE_BYTES // 2**20} MB; stopped downloading",
                too_large=True,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _name(url: httpx.URL) -> str | None:
    """The URL's last path part, when it looks like a file name."""
    last = url.path.rsplit("/", 1)[-1]
    return last if "." in last else None
