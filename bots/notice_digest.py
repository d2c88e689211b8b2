"""The weekly digest's words: last week's figures in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bots.language import format_day, format_money
from bots.language.messages import Msg


def digest_headline(t: Callable[..., str], params: dict[str, str], language: str) -> str:
    """Sessions, revenue, new clients and stars of the week, or that it was quiet."""
    start, end = params.get("period_start", ""), params.get("period_end", "")
    week = (
        f"{format_day(date.fromisoformat(start), language)} – "
        f"{format_day(date.fromisoformat(end), language)}"
        if start and end
        else ""
    )
    sessions = int(params.get("sessions", "0") or 0)
    revenue = int(params.get("revenue_minor", "0") or 0)
    if not sessions and not revenue:
        return t(Msg.DIGEST_QUIET, week=week)
    rating = (
        t(Msg.STATS_RATING, average=params["rating"], count=params.get("ratings", "0"))
        if params.get("rating")
        else t(Msg.STATS_NOT_YET)
    )
    return t(
        Msg.DIGEST,
        week=week,
        sessions=sessions,
        no_show=params.get("no_show", "0"),
        cancelled=params.get("cancelled", "0"),
        revenue=format_money(revenue, params.get("currency", "USD"), language),
        new=params.get("new_clients", "0"),
        rating=rating,
    )
