"""The file store keeps each file once by its SHA-256, typed by its bytes, 10 MB at most."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from domain.files import MAX_FILE_BYTES, FileRejected
from storage.uow import Database
from tests.support.receipts import RECEIPT_PDF, receipt_image


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database.from_url(database_url)
    try:
        yield db
    finally:
        await db.dispose()


async def rows(database: Database) -> int:
    async with database.engine.connect() as conn:
        return int(await conn.scalar(sa.text("SELECT COUNT(*) FROM stored_files")) or 0)


async def test_a_file_is_kept_by_its_sha256_and_read_back_whole(database: Database) -> None:
    photo = receipt_image("PNG")
    async with database.uows() as uow:
        key = await uow.files.put(photo, "image/png", "receipt.png")
        await uow.commit()

    async with database.uows(read_only=True) as uow:
        found = await uow.files.get(key)
    assert key == hashlib.sha256(photo).hexdigest()
    assert found is not None
    assert (found.content, found.content_type) == (photo, "image/png")
    assert found.filename == "receipt.png"
    assert found.size == len(photo)


async def test_the_same_bytes_put_twice_are_one_row(database: Database) -> None:
    async with database.uows() as uow:
        first = await uow.files.put(RECEIPT_PDF, "application/pdf", "scan.pdf")
        await uow.commit()
    async with database.uows() as uow:
        second = await uow.files.put(RECEIPT_PDF, "application/pdf; charset=binary", "other.pdf")
        await uow.commit()

    assert first == second
    assert await rows(database) == 1
    async with database.uows(read_only=True) as uow:
        found = await uow.files.get(first)
    assert found is not None
    assert found.filename == "scan.pdf"  # the first put's name is kept


async def test_an_unknown_or_malformed_key_finds_nothing(database: Database) -> None:
    async with database.uows(read_only=True) as uow:
        assert await uow.files.get("0" * 64) is None
        assert await uow.files.get("../etc/passwd") is None


@pytest.mark.parametrize(
    ("content", "content_type", "too_large"),
    [
        pytest.param(b"\xff\xd8\xff" + b"0" * MAX_FILE_BYTES, "image/jpeg", True, id="11MB"),
        pytest.param(b"<html>sign in</html>", "image/png", False, id="html-as-png"),
        pytest.param(b"PK\x03\x04zip", "application/zip", False, id="zip"),
        pytest.param(receipt_image("PNG"), "image/jpeg", False, id="png-said-jpeg"),
    ],
)
async def test_a_file_too_large_or_not_a_photo_or_pdf_is_refused_and_nothing_is_stored(
    database: Database, content: bytes, content_type: str, too_large: bool
) -> None:
    async with database.uows() as uow:
        with pytest.raises(FileRejected) as refused:
            await uow.files.put(content, content_type)
        await uow.commit()

    assert refused.value.too_large is too_large
    assert await rows(database) == 0


async def test_a_file_name_is_stripped_of_paths_and_quotes(database: Database) -> None:
    async with database.uows() as uow:
        key = await uow.files.put(RECEIPT_PDF, "application/pdf", 'C:\\scans\\x"y\n.pdf')
        await uow.commit()
    async with database.uows(read_only=True) as uow:
        found = await uow.files.get(key)
    assert found is not None
    assert found.filename == "xy.pdf"
