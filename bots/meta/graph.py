"""facebook-sdk's GraphAPI, made usable: current version in the path, timeouts, errors.

This is the one place that imports `facebook`. The SDK has invalid escape sequences that
compile with a DeprecationWarning, which `-W error` turns into an import failure, and its
version list stops at 3.1, so calls put the version in the path (`v21.0/<id>/messages`).
It is blocking (requests), so calls run in a worker thread.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import anyio
import requests

from bots.meta.settings import MetaSettings
from bots.outbound import SendOutcomeUnknown, redact
from domain.errors import ConnectorError, PermanentConnectorError, TransientConnectorError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import facebook

PROVIDER = "meta"
# Graph codes worth retrying: unknown/service errors and the throttles (app, user, page, API).
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613})
OUTSIDE_WINDOW = (10, 2018278)


class GraphClient:
    """Send API and node lookups for one Page (and its Instagram account)."""

    def __init__(
        self, settings: MetaSettings, *, connect_timeout: float, read_timeout: float
    ) -> None:
        """Point facebook-sdk at the configured Graph URL; nothing is called yet."""
        # The SDK reads this module constant at call time; it is the only base-URL option.
        facebook.FACEBOOK_GRAPH_URL = settings.graph_url.rstrip("/") + "/"
        self._token = settings.page_token.get_secret_value()
        self._version = settings.graph_version
        self._api = facebook.GraphAPI(
            access_token=self._token, timeout=(connect_timeout, read_timeout)
        )

    async def send(self, node: str, fields: dict[str, Any]) -> dict[str, Any]:
        """POST {version}/{node}/messages; JSON-valued fields are encoded as Graph expects."""
        post_args = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in fields.items()}
        return await self._call(f"{self._version}/{node}/messages", post_args=post_args)

    async def node(self, node: str, fields: str = "id,name") -> dict[str, Any]:
        """GET {version}/{node}?fields=..."""
        return await self._call(f"{self._version}/{node}", args={"fields": fields})

    def close(self) -> None:
        """Close the requests session."""
        self._api.session.close()

    async def _call(
        self,
        path: str,
        *,
        args: dict[str, Any] | None = None,
        post_args: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        def call() -> Any:
            return self._api.request(path, args=args, post_args=post_args)

        try:
            result = await anyio.to_thread.run_sync(call)
        except facebook.GraphAPIError as exc:
            raise self._classify(exc) from None
        except (requests.ConnectTimeout, requests.exceptions.SSLError) as exc:
            raise TransientConnectorError(self._scrub(exc), provider=PROVIDER) from None
        except requests.ConnectionError as exc:
            if _maybe_delivered(exc):
                raise SendOutcomeUnknown(self._scrub(exc), provider=PROVIDER) from None
            raise TransientConnectorError(self._scrub(exc), provider=PROVIDER) from None
        except requests.Timeout as exc:  # the read timed out: the message may be there
            raise SendOutcomeUnknown(self._scrub(exc), provider=PROVIDER) from None
        return dict(result) if isinstance(result, dict) else {"result": result}

    def _classify(self, exc: Any) -> ConnectorError:
        """A Graph error answer as transient (throttles, 5xx) or permanent."""
        error = exc.result.get("error", {}) if isinstance(exc.result, dict) else {}
        code, subcode = error.get("code"), error.get("error_subcode")
        message = self._scrub(f"Graph error {code}/{subcode}: {exc}")
        if error.get("is_transient") or code in TRANSIENT_CODES:
            return TransientConnectorError(
                message, provider=PROVIDER, status=429 if code in (4, 17, 32, 613) else 500
            )
        if not error:  # not a Graph JSON answer at all (an HTML 502 from a proxy)
            return TransientConnectorError(message, provider=PROVIDER)
        return PermanentConnectorError(message, provider=PROVIDER, status=400)

    def _scrub(self, exc: BaseException | str) -> str:
        """Error text without the page token (requests puts query strings in messages)."""
        return redact(
            f"{type(exc).__name__}: {exc}" if not isinstance(exc, str) else exc, [self._token]
        )


def _maybe_delivered(exc: requests.ConnectionError) -> bool:
    """A connection dropped after the request went out (not a refused connect)."""
    text = str(exc)
    return "Connection aborted" in text or "RemoteDisconnected" in text


async def check(settings: MetaSettings, limit_seconds: float = 5.0) -> str:
    """GET the Page: its name when Graph answers (raises otherwise)."""
    client = GraphClient(settings, connect_timeout=limit_seconds, read_timeout=limit_seconds)
    try:
        page = await client.node(settings.page_id)
    except ConnectorError as exc:
        raise RuntimeError(str(exc)) from None
    finally:
        client.close()
    return str(page.get("name") or page.get("id"))
