"""The dashboard's filters: what a page's query asks for, and the form that changes it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from bots.conversations.reports import period_words
from domain.analytics.dashboard import PeriodAsk
from hub.dashboard.strings import text

PERIODS = (
    "this week",
    "last week",
    "this month",
    "last month",
    "last 30 days",
    "last 90 days",
    "this quarter",
    "last quarter",
    "this year",
)


class Filters:
    """The page's filters as given, and the query string that repeats them."""

    def __init__(self, request: Request) -> None:
        """Read the known parameters; unknown ones are ignored."""
        q = request.query_params
        self.period = (q.get("period") or "").strip()
        self.custom = (q.get("custom") or "").strip()
        self.service = (q.get("service") or "").strip()
        self.reader = (q.get("reader") or "").strip()
        self.lang = q.get("lang")

    def ask(self) -> PeriodAsk:
        """The period: typed words first (Arabic ones too), else the preset, else this month."""
        return PeriodAsk(text=period_words(self.custom) or self.period or None)

    def kept(self, **changes: str) -> dict[str, str]:
        """The filters to repeat in links, with some changed; empty ones left out."""
        values = {
            "period": self.period,
            "custom": self.custom,
            "service": self.service,
            "reader": self.reader,
            "lang": self.lang or "",
        } | changes
        return {k: v for k, v in values.items() if v}


def query_string(values: dict[str, str]) -> str:
    """`?a=1&b=2` of the non-empty values, or nothing."""
    kept = {k: v for k, v in values.items() if v}
    return f"?{urlencode(kept)}" if kept else ""


def filter_form(q: Filters, language: str, services: list[tuple[str, str]]) -> dict[str, Any]:
    """What the filter form shows: the presets, the typed period, the services."""
    preset = q.period if q.period in PERIODS else "this month"
    hidden = [(k, v) for k, v in (("reader", q.reader), ("lang", q.lang or "")) if v]
    return {
        "action": "/dashboard",
        "hidden": hidden,
        "period": preset,
        "custom": q.custom,
        "periods": [(p, text(language, p)) for p in PERIODS],
        "services": services,
        "service": q.service,
    }


__all__ = ("PERIODS", "Filters", "filter_form", "query_string")
