"""Charts for chat replies: drawn off the event loop, kept in the file store, linked signed.

`ChartPictures.picture(spec)` is what a conversation step (or a flow's notice) awaits: it
gives the `HubFile` a `Reply(image_file=...)` carries, so Telegram and Slack upload the
PNG and Messenger, Instagram and the web chat show its signed link. The same spec gives
the same bytes, so asking twice for one chart stores one file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bots.engine import HubFile
from connectors.charts import MatplotlibChartRenderer
from domain.analytics.charts import ChartSpec
from domain.clock import Clock
from domain.ports.charts import PNG_CONTENT_TYPE, ChartRenderer
from domain.ports.storage import UnitOfWorkFactory
from hub.file_routes import file_link
from hub.signed_links import LinkSigner

__all__ = ("ChartPictures", "chart_pictures")


class ChartPictures:
    """Renders chart specs to PNG files in the hub's store, with a signed link to each."""

    def __init__(
        self,
        *,
        uows: UnitOfWorkFactory,
        renderer: ChartRenderer,
        link: Callable[[str], str],
    ) -> None:
        """Store with `uows`, draw with `renderer`, link with `link(key)`."""
        self._uows = uows
        self._renderer = renderer
        self._link = link

    async def picture(self, spec: ChartSpec, *, name: str | None = None) -> HubFile:
        """The chart as a stored PNG (drawn in a worker thread: it is CPU-bound)."""
        png = await asyncio.to_thread(self._renderer.render, spec)
        filename = f"{name or spec.KIND}.png"
        async with self._uows() as uow:
            key = await uow.files.put(png, PNG_CONTENT_TYPE, filename)
            await uow.commit()
        return HubFile(key=key, url=self._link(key), filename=filename)


def chart_pictures(uows: UnitOfWorkFactory, links: LinkSigner, clock: Clock) -> ChartPictures:
    """The hub's charts: matplotlib (see its module for why), links signed for a week."""
    return ChartPictures(
        uows=uows, renderer=MatplotlibChartRenderer(), link=file_link(links, clock)
    )
