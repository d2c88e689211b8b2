"""Charts drawn as PNGs for chats, behind `domain.ports.charts.ChartRenderer`."""

from connectors.charts.matplotlib_charts import MatplotlibChartRenderer

__all__ = ("MatplotlibChartRenderer",)
