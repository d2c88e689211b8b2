"""Files a person sends the bot, for the Telegram fake: photos and documents they upload.

Telegram keeps what a user sends and hands the bot only `file_id`s in the Update; the bot
then asks `getFile` for a `file_path` and downloads `/file/bot<token>/<file_path>`. The
fake (`TelegramApiFake`) already answers both for files it holds; `receive_file` puts a
user's file there, and the update builders make the message Telegram would deliver.
"""

from __future__ import annotations

import time
from typing import Any

from tests.support.fakes._recording import UploadedFile
from tests.support.fakes.telegram_api import TelegramApiFake

JSON = dict[str, Any]
# Telegram offers a photo in several sizes, smallest first; the bot picks the largest.
_PHOTO_SIDES = (90, 320, 1280)


def receive_file(
    fake: TelegramApiFake,
    content: bytes,
    *,
    content_type: str | None = "image/jpeg",
    filename: str | None = None,
    folder: str = "photos",
) -> str:
    """Keep a user's upload as Telegram does; its file_id, for getFile and the download."""
    with fake._lock:  # the fake's own store of files, shared with its handlers
        seq = next(fake._file_seq)
        file_id = f"AgACAgQAAxkBAAI{seq:06d}user"
        ext = (filename or "file.jpg").rpartition(".")[2]
        upload = UploadedFile("upload", filename, content_type, content)
        fake._files[file_id] = (f"{folder}/file_{seq}.{ext}", upload)
    return file_id


def telegram_photo_update(
    update_id: int,
    chat_id: int,
    file_id: str,
    *,
    size: int,
    caption: str | None = None,
    language_code: str = "en",
) -> JSON:
    """A private chat's photo message: every size of it, the last one the real file."""
    photo = [
        {
            "file_id": file_id if side == _PHOTO_SIDES[-1] else f"{file_id}-{side}",
            "file_unique_id": f"AQAD{side}{file_id[-6:]}",
            "width": side,
            "height": side * 4 // 3,
            "file_size": size * side // _PHOTO_SIDES[-1],
        }
        for side in _PHOTO_SIDES
    ]
    return _message(update_id, chat_id, language_code, {"photo": photo}, caption)


def telegram_document_update(
    update_id: int,
    chat_id: int,
    file_id: str,
    *,
    size: int,
    mime_type: str,
    file_name: str,
    caption: str | None = None,
) -> JSON:
    """A private chat's document message (a PDF receipt, a file sent uncompressed)."""
    document = {
        "file_id": file_id,
        "file_unique_id": f"AgAD{file_id[-6:]}",
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": size,
    }
    return _message(update_id, chat_id, "en", {"document": document}, caption)


def _message(
    update_id: int, chat_id: int, language_code: str, content: JSON, caption: str | None
) -> JSON:
    message: JSON = {
        "message_id": update_id,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Samia",
                 "language_code": language_code},
        "chat": {"id": chat_id, "first_name": "Samia", "type": "private"},
        "date": int(time.time()),
        **content,
    }  # fmt: skip
    if caption is not None:
        message["caption"] = caption
    return {"update_id": update_id, "message": message}
