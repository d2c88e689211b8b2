"""Loopback fakes of the chat vendors' HTTP APIs, for offline tests against the real SDKs.

Each fake is a small Starlette app that speaks the vendor's wire format, records every call
and can be told to fail the next N calls. Serve one with ``with TelegramApiFake() as fake:``
(it runs on an ephemeral 127.0.0.1 port via `LoopbackServer`) and point the SDK at ``fake.url``.
Inbound webhook builders and signers live in `tests.support.fakes.payloads`.
"""

from tests.support.fakes._recording import RecordedCall, UploadedFile
from tests.support.fakes.meta_graph import MetaGraphFake
from tests.support.fakes.slack_api import SlackApiFake
from tests.support.fakes.telegram_api import TelegramApiFake

__all__ = ["MetaGraphFake", "RecordedCall", "SlackApiFake", "TelegramApiFake", "UploadedFile"]
