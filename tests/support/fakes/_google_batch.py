"""Google's batch wire format: multipart/mixed of application/http requests and answers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser, Parser
from http import HTTPStatus
from typing import Any

__all__ = ["BatchPart", "parse_batch", "render_batch"]

Answer = tuple[int, dict[str, Any] | None, dict[str, str]]


@dataclass(frozen=True, slots=True)
class BatchPart:
    """One request inside a batch."""

    content_id: str
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


def _part(message: Message) -> BatchPart | None:
    """Decode one application/http part: request line, headers, body."""
    payload = message.get_payload()
    if not isinstance(payload, str):
        return None
    request_line, _, rest = payload.lstrip("\r\n").partition("\n")
    pieces = request_line.strip().split(" ")
    if len(pieces) != 3 or not pieces[2].startswith("HTTP/"):
        return None
    inner = Parser().parsestr(rest)
    body = inner.get_payload()
    return BatchPart(
        content_id=str(message.get("Content-ID", "")).strip(),
        method=pieces[0],
        target=pieces[1],
        headers={k.lower(): str(v) for k, v in inner.items()},
        body=body.encode("utf-8") if isinstance(body, str) else b"",
    )


def parse_batch(content_type: str, body: bytes) -> list[BatchPart] | None:
    """The parts of a batch body, or None when it is not a well-formed multipart/mixed."""
    if not content_type.lower().startswith("multipart/mixed") or "boundary=" not in content_type:
        return None
    envelope = BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    if not envelope.is_multipart():
        return None
    parts = []
    for message in envelope.get_payload():
        if not isinstance(message, Message) or message.get_content_type() != "application/http":
            return None
        part = _part(message)
        if part is None:
            return None
        parts.append(part)
    return parts


def render_batch(answers: list[tuple[str, Answer]]) -> tuple[str, bytes]:
    """(media type, body) of a batch answer; Content-IDs echo the request's, "response-" first."""
    boundary = f"batch_{uuid.uuid4().hex}"
    chunks = []
    for content_id, (status, payload, headers) in answers:
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        text = ""
        if payload is not None:
            lines.append("Content-Type: application/json; charset=UTF-8")
            text = json.dumps(payload)
        inner = "\r\n".join(lines) + "\r\n\r\n" + text
        chunks.append(
            f"--{boundary}\r\nContent-Type: application/http\r\n"
            f"Content-ID: <response-{content_id.strip('<>')}>\r\n\r\n{inner}\r\n"
        )
    chunks.append(f"--{boundary}--\r\n")
    return f"multipart/mixed; boundary={boundary}", "".join(chunks).encode("utf-8")
