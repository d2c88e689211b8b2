"""Charts as pictures for chats: who draws a chart spec into a PNG."""

from __future__ import annotations

from typing import Protocol

from domain.analytics.charts import ChartSpec

PNG_CONTENT_TYPE = "image/png"


class ChartRenderer(Protocol):
    """Draw chart specs as PNGs; CPU-bound, so callers run it off the event loop.

    Implementations are safe to call from several threads at once and need no browser,
    no display and no network.
    """

    def render(self, spec: ChartSpec) -> bytes:
        """The chart as a PNG sized for a phone, in the spec's language and colours.

        Args:
            spec: What to draw: a line, bar, heatmap or funnel chart with its labels
                already in the reader's language. All-zero values draw as zeros.

        Returns:
            The PNG file's bytes; the same spec always gives the same bytes, so a file
            store keyed by content keeps one copy.

        Raises:
            TypeError: `spec` is not a chart kind this renderer knows.
        """
        ...
