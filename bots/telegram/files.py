"""Telegram files both ways in: a message's photo or document as `InboundFile`s, and the
`ChannelFiles` that downloads one by its file_id (`getFile`, then the file URL)."""

from __future__ import annotations

from telegram import Bot, Message
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bots.telegram.sender import PROVIDER, classify
from bots.telegram.settings import TelegramSettings
from domain.errors import PermanentConnectorError, TransientConnectorError
from domain.files import JPEG, check_size
from domain.ports.files import FetchedFile, InboundFile


def message_files(message: Message) -> tuple[InboundFile, ...]:
    """The photo (its largest size: Telegram sends several) or the document of a message."""
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size))
        # Telegram re-encodes every photo it delivers as a JPEG.
        return (InboundFile(largest.file_id, JPEG, None, largest.file_size),)
    document = message.document
    if document is not None:
        return (
            InboundFile(
                document.file_id, document.mime_type, document.file_name, document.file_size
            ),
        )
    return ()


class TelegramFiles:
    """`ChannelFiles` for Telegram: `getFile` for the path, then the bytes from the file URL."""

    def __init__(self, bot: Bot, *, owned: HTTPXRequest | None = None) -> None:
        """Fetch with this bot; `owned` is its HTTP client when this object made it."""
        self._bot = bot
        self._owned = owned

    @classmethod
    def from_settings(cls, settings: TelegramSettings) -> TelegramFiles:
        """A bot of its own, for a process without the Telegram adapter (a flows worker)."""
        from bots.telegram.app import file_url

        request = HTTPXRequest(connection_pool_size=4, read_timeout=30.0)
        bot = Bot(
            settings.bot_token.get_secret_value(),
            base_url=settings.api_url,
            base_file_url=file_url(settings.api_url),
            request=request,
        )
        return cls(bot, owned=request)

    async def fetch(self, ref: str) -> FetchedFile:
        """The file's bytes; one Telegram says is over the limit is refused before download."""
        try:
            found = await self._bot.get_file(ref)
            check_size(found.file_size)
            if not found.file_path:  # Telegram hands bots files up to 20 MB only
                raise PermanentConnectorError("Telegram gave no path to download the file")
            content = bytes(await found.download_as_bytearray())
        except TelegramError as exc:
            error = classify(exc)
            if isinstance(error, PermanentConnectorError | TransientConnectorError):
                raise error from None
            # A download cut off mid-answer changed nothing at Telegram: safe to try again.
            raise TransientConnectorError(str(error), provider=PROVIDER) from None
        name = (found.file_path or "").rsplit("/", 1)[-1] or None
        return FetchedFile(content, None, name)

    async def aclose(self) -> None:
        """Close the HTTP client this object made (the bot was never initialized: no getMe)."""
        if self._owned is not None:
            await self._owned.shutdown()
