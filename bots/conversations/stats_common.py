"""What every figure in chat shares: its command words, its period, its chart image."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date

from bots.conversations.common import Conv, reader_menu
from bots.conversations.deps import ChatDeps
from bots.conversations.reports import period_words
from bots.conversations.verbs import StatsVerb as Verb
from bots.engine import Action, Choice, InboundEvent, Reply, Step, Turn
from bots.language import format_money
from bots.language.messages import Msg
from domain import errors
from domain.analytics import reader as figures
from domain.analytics.charts import ChartSpec
from domain.analytics.periods import PeriodNotStarted, calendar_locale, parse_analytics_period
from domain.billing.reports import ReportPeriod
from domain.billing.statements import zone_of
from domain.models import Reader

log = logging.getLogger(__name__)


def _command(words: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{words})(?:\s+(?P<period>.+))?$", re.IGNORECASE)


PATTERNS = {
    "intent:stats": _command(r"stats|statistics|إحصائيات|الإحصائيات|احصائيات|الاحصائيات"),
    "intent:revenue": _command(r"revenue|income|الإيرادات|الايرادات|إيرادات|ايرادات"),
    "intent:ratings": _command(r"ratings|reviews|التقييمات|تقييمات"),
    "intent:retention": _command(r"retention|الاحتفاظ بالعملاء|الاحتفاظ|عودة العملاء"),
    "intent:peak": _command(r"peak hours|peak|busy hours|أوقات الذروة|ساعات الذروة|الذروة"),
    "intent:clients": _command(r"clients|my clients|العملاء|عملائي"),
}
# Arabic week and day-count words, as the analytics periods name them.
ARABIC_WEEKS = {
    "هذا الأسبوع": "this week",
    "الأسبوع الحالي": "this week",
    "الأسبوع الماضي": "last week",
    "الأسبوع السابق": "last week",
    "اليوم": "today",
    "الشهر": "month",
    "السنة": "year",
}
_LAST_DAYS_AR = re.compile(r"^آخر\s+(\d+)\s+(?:يوم|يوما|يومًا|أيام)$")


def reader_intent(text: str) -> str | None:
    """The figure a reader's typed line asks for, if any."""
    line = " ".join(text.split())
    return next((entry for entry, pattern in PATTERNS.items() if pattern.match(line)), None)


def analytics_words(text: str | None) -> str | None:
    """A typed period in the words the analytics periods read (Arabic made plain)."""
    plain = period_words(text)
    if plain is None:
        return None
    if match := _LAST_DAYS_AR.match(plain):
        return f"last {match[1]} days"
    return ARABIC_WEEKS.get(plain, plain)


def today(turn: Turn[ChatDeps]) -> date:
    """The reader's date now."""
    return turn.now.astimezone(zone_of(turn.actor.timezone)).date()


def period_of(
    turn: Turn[ChatDeps],
    event: InboundEvent,
    command: re.Pattern[str],
    default: str,
    country: str | None = None,
) -> ReportPeriod:
    """The period typed after `command` (or carried by the button), in the person's days.

    Weeks start where the person's language and country start them (Saturday in Egypt).
    """
    typed = event.action.arg if event.action else None
    if typed is None and (match := command.match(" ".join((event.text or "").split()))):
        typed = match.groupdict().get("period")
    locale = calendar_locale(turn.actor.language, country)
    return parse_analytics_period(
        analytics_words(typed), today(turn), locale=locale, default=default
    )


Figure = Callable[[Turn[ChatDeps], Reader, ReportPeriod], Awaitable[tuple[str, ChartSpec | None]]]


async def answer(
    turn: Turn[ChatDeps], event: InboundEvent, entry: str, default: str, figure: Figure
) -> Step:
    """Parse the period, bring the rollups up to date, say the figure, attach its chart."""
    try:
        reader = await figures.reader_for(
            uows=turn.deps.uows, clock=turn.deps.clock, reader_id=turn.actor.person_id
        )
        period = period_of(turn, event, PATTERNS[entry], default, reader.country)
    except errors.InvalidRequest as error:
        return period_refused(turn, error, choices=reader_menu(turn))
    text, spec = await figure(turn, reader, period)
    choices = (*_more(turn, period), *reader_menu(turn))
    return Step.end(*await with_chart(turn, text, spec, choices=choices))


def period_refused(
    turn: Turn[ChatDeps], error: errors.InvalidRequest, *, choices: tuple[Choice, ...]
) -> Step:
    """A period not begun is named; one that cannot be read gets how to ask."""
    if isinstance(error, PeriodNotStarted):
        text = turn.t(Msg.STATS_FUTURE, period=error.period.label)
    else:
        text = turn.t(Msg.STATS_HELP)
    return Step.end(Reply(text, choices=choices))


async def with_chart(
    turn: Turn[ChatDeps], text: str, spec: ChartSpec | None, *, choices: tuple[Choice, ...]
) -> tuple[Reply, ...]:
    """The text, with the chart as its image when there is one to draw."""
    draw = turn.deps.chart_image
    if spec is None or draw is None:
        return (Reply(text, choices=choices),)
    try:
        picture = await draw(spec)
    except Exception:  # a chart is a bonus: the figures are already in the text
        log.exception("a chart could not be drawn")
        return (Reply(text + "\n" + turn.t(Msg.STATS_CHART_FAILED), choices=choices),)
    return (Reply(text, image_file=picture, choices=choices),)


def _more(turn: Turn[ChatDeps], period: ReportPeriod) -> tuple[Choice, ...]:
    arg = period.label if len(period.label) <= 24 else ""
    return (
        Choice.of(turn.t(Msg.REVENUE_BUTTON), Action(Conv.STATS.value, Verb.REVENUE.value, arg)),
        Choice.of(turn.t(Msg.RATINGS_BUTTON), Action(Conv.STATS.value, Verb.RATINGS.value, arg)),
        Choice.of(turn.t(Msg.PEAK_BUTTON), Action(Conv.STATS.value, Verb.PEAK.value, arg)),
    )


def money(turn: Turn[ChatDeps], currency: str) -> Callable[[int], str]:
    """Minor units as the reader reads money."""
    return lambda minor: format_money(minor, currency, turn.actor.language)


def percent(turn: Turn[ChatDeps], share: float | None) -> str:
    """A share as a whole percentage, or "not yet" before there is one."""
    if share is None:
        return turn.t(Msg.STATS_NOT_YET)
    return f"{round(share * 100)}%"
