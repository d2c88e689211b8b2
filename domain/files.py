"""Which files the hub keeps: size and type rules, and the type read from the bytes.

A file's declared type (a chat platform's `mime_type`, an upload's header) is only a
claim: what is stored and served back is the type its first bytes prove, so an HTML page
handed over as a "receipt" (Slack's sign-in page when a scope is missing) is refused
instead of being kept and later served under an image type.
"""

from __future__ import annotations

from domain.errors import InvalidRequest
from domain.ports.storage import UnitOfWorkFactory

MAX_FILE_BYTES = 10 * 1024 * 1024  # 10 MB: a phone photo of a receipt, a multi-page PDF
JPEG, PNG, WEBP, HEIC, PDF = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "application/pdf",
)
ACCEPTED_TYPES = frozenset({JPEG, PNG, WEBP, HEIC, PDF})
# ISO base media "ftyp" brands of HEIF images (iPhones save photos as HEIC).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})


class FileRejected(InvalidRequest):
    """A file the hub does not keep: too large, or not a photo or a PDF."""

    code = "file_rejected"

    def __init__(self, detail: str, *, too_large: bool) -> None:
        """`too_large` tells the size refusal from the type refusal (each has its message)."""
        super().__init__(detail, too_large=too_large)
        self.too_large = too_large


def sniffed_type(content: bytes) -> str | None:
    """The accepted type the bytes begin with, or None for anything else."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS:
        return HEIC
    if content.startswith(b"%PDF-"):
        return PDF
    return None


def normal_type(content_type: str | None) -> str | None:
    """A Content-Type without parameters, in lower case (`image/JPEG; q=1` -> `image/jpeg`)."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def check_size(size: int | None) -> None:
    """Refuse a file over the limit (an unknown size passes until the bytes are there)."""
    if size is not None and size > MAX_FILE_BYTES:
        raise FileRejected(
            f"the file is {size / 1_000_000:.1f} MB; at most {MAX_FILE_BYTES // 2**20} MB is kept",
            too_large=True,
        )


def check_declared(content_type: str | None, size: int | None) -> None:
    """Refuse early what a platform already says is too large or of another type."""
    check_size(size)
    declared = normal_type(content_type)
    if declared is not None and declared not in ACCEPTED_TYPES:
        raise FileRejected(f"{declared} is not a photo or a PDF", too_large=False)


def accepted_type(content: bytes, content_type: str | None = None) -> str:
    """The type to keep the bytes under: proved by the bytes, never taken on trust.

    Raises:
        FileRejected: Too large, or the bytes are no JPEG, PNG, WebP, HEIC or PDF (or
            contradict the type declared for them).
    """
    check_size(len(content))
    found = sniffed_type(content)
    declared = normal_type(content_type)
    if found is None:
        what = declared or "the file"
        raise FileRejected(f"{what} is not a JPEG, PNG, WebP, HEIC or PDF file", too_large=False)
    if declared is not None and declared in ACCEPTED_TYPES and declared != found:
        raise FileRejected(f"the file says {declared} but its bytes are {found}", too_large=False)
    return found


async def keep_file(
    *, uows: UnitOfWorkFactory, content: bytes, content_type: str | None, filename: str | None
) -> str:
    """Store a file someone uploaded (typed by its bytes) and give its key.

    Raises:
        FileRejected: Too large, or not a JPEG, PNG, WebP, HEIC or PDF file.
    """
    kind = accepted_type(content, content_type)
    async with uows() as u:
        key = await u.files.put(content, kind, filename)
        await u.commit()
    return key
