"""The platform's figures for admins in chat (Slack): "platform", "funnel", "churn",
"errors", "live"; each a short text and, where one helps, a chart."""

from __future__ import annotations

import re

from bots.conversations.common import Conv
from bots.conversations.deps import ChatDeps
from bots.conversations.stats_charts import weekday_names
from bots.conversations.stats_common import money, period_of, period_refused, with_chart
from bots.conversations.verbs import StatsVerb as Verb
from bots.engine import Conversation, InboundEvent, Reply, Step, Turn
from bots.language.messages import Msg
from domain import errors
from domain.analytics import funnel as funnels
from domain.analytics.charts import Funnel, FunnelStep, Heatmap, LineChart, Series
from domain.analytics.live import live_figures
from domain.analytics.platform import platform_figures, refresh_marked
from domain.enums import FunnelStep as Step_
from domain.enums import Role

ADMIN_PATTERNS = {
    "intent:platform": re.compile(r"^(?:platform|المنصة)(?:\s+(?P<period>.+))?$", re.I),
    "intent:funnel": re.compile(r"^(?:funnel|مسار التحويل|القمع)(?:\s+(?P<period>.+))?$", re.I),
    "intent:churn": re.compile(r"^(?:churn|التسرب|فقدان العملاء)(?:\s+(?P<period>.+))?$", re.I),
    "intent:errors": re.compile(r"^(?:errors|الأخطاء|الاخطاء)$", re.I),
    "intent:live": re.compile(r"^(?:live|now|مباشر|الآن)$", re.I),
}
_STEP_WORDS = {
    Step_.FIRST_MESSAGE: Msg.FUNNEL_FIRST,
    Step_.SLOTS_OFFERED: Msg.FUNNEL_OFFERED,
    Step_.HELD: Msg.FUNNEL_HELD,
    Step_.CONFIRMED: Msg.FUNNEL_CONFIRMED,
    Step_.SESSION_HELD: Msg.FUNNEL_SESSION,
    Step_.REPEAT_BOOKING: Msg.FUNNEL_REPEAT,
}


def admin_intent(text: str) -> str | None:
    """The platform figure an admin's typed line asks for, if any."""
    line = " ".join(text.split())
    return next((e for e, pattern in ADMIN_PATTERNS.items() if pattern.match(line)), None)


def _look(turn: Turn[ChatDeps], title: str, subtitle: str) -> dict[str, str]:
    return {"title": title, "subtitle": subtitle, "language": turn.actor.language}


async def platform(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'platform [period]': growth, revenue and fees, top services and countries."""
    try:
        period = period_of(turn, event, ADMIN_PATTERNS["intent:platform"], "last 90 days")
    except errors.InvalidRequest as error:
        return period_refused(turn, error, choices=())
    await refresh_marked(uows=turn.deps.uows, clock=turn.deps.clock)
    async with turn.deps.uows(read_only=True) as uow:
        figures = await platform_figures(uow=uow, period=period, now=turn.now)
    currency = turn.deps.platform_currency
    mine = [r for r in figures.revenue_by_kind if r.currency == currency]
    m = money(turn, currency)
    lines = [
        turn.t(
            Msg.PLATFORM_REPORT,
            period=period.label,
            clients=sum(r.count for r in figures.growth.new_clients),
            readers=sum(r.count for r in figures.growth.new_readers),
            active=figures.growth.active_clients[-1].count if figures.growth.active_clients else 0,
            revenue=m(sum(r.gross_minor for r in mine)),
            fees=m(sum(r.fee_minor for r in mine)),
        )
    ]
    if figures.popularity:
        top = ", ".join(f"{p.service} ({p.reader}) {p.sessions}" for p in figures.popularity[:3])
        lines.append(turn.t(Msg.PLATFORM_TOP, services=top))
    countries = ", ".join(f"{r.key or '?'} {r.count}" for r in figures.clients_by_country[:5])
    lines.append(turn.t(Msg.PLATFORM_COUNTRIES, countries=countries or "–"))
    weeks = figures.growth.new_clients
    spec = None
    if len(weeks) > 1:
        spec = LineChart(
            **_look(turn, turn.t(Msg.PLATFORM_CHART), period.label),
            x_labels=tuple(row.key[5:] for row in weeks),
            series=(Series("clients", tuple(float(row.count) for row in weeks)),),
        )
    return Step.end(*await with_chart(turn, "\n".join(lines), spec, choices=()))


async def funnel(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'funnel [period]': clients per step, per channel, and the whole as a funnel chart."""
    try:
        period = period_of(turn, event, ADMIN_PATTERNS["intent:funnel"], "last 30 days")
    except errors.InvalidRequest as error:
        return period_refused(turn, error, choices=())
    async with turn.deps.uows(read_only=True) as uow:
        rows = await funnels.funnel(uow=uow, period=period)
    if not rows:
        return Step.end(Reply(turn.t(Msg.FUNNEL_NO_DATA, period=period.label)))
    lines = [turn.t(Msg.FUNNEL_REPORT, period=period.label)]
    for row in rows:
        steps = " → ".join(str(n) for _, n in row.steps)
        lines.append("• " + turn.t(Msg.FUNNEL_LINE, channel=row.channel, steps=steps))
    spec = Funnel(
        **_look(turn, turn.t(Msg.FUNNEL_CHART), period.label),
        steps=tuple(FunnelStep(turn.t(_STEP_WORDS[s]), n) for s, n in rows[0].steps),
    )
    return Step.end(*await with_chart(turn, "\n".join(lines), spec, choices=()))


async def churn(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'churn [period]': regular clients lost per month (no session for 90 days)."""
    try:
        period = period_of(turn, event, ADMIN_PATTERNS["intent:churn"], "last 90 days")
    except errors.InvalidRequest as error:
        return period_refused(turn, error, choices=())
    async with turn.deps.uows(read_only=True) as uow:
        figures = await platform_figures(uow=uow, period=period, now=turn.now)
    if not figures.churn:
        return Step.end(Reply(turn.t(Msg.CHURN_NONE, period=period.label)))
    lines = [turn.t(Msg.CHURN_REPORT, period=period.label)]
    lines += ["• " + turn.t(Msg.CHURN_LINE, month=r.key, count=r.count) for r in figures.churn]
    return Step.end(Reply("\n".join(lines)))


async def errors_now(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'errors': the last hour's failed webhooks and failing effects, and the queues."""
    async with turn.deps.uows(read_only=True) as uow:
        live = await live_figures(uow=uow, now=turn.now)
    counts = live.counts
    lines = [turn.t(Msg.ERRORS_REPORT)]
    lines += [
        "• " + turn.t(Msg.ERRORS_WEBHOOK, provider=r.key, failed=r.extra, total=r.count)
        for r in counts.webhooks
        if r.extra
    ]
    lines += [
        "• " + turn.t(Msg.ERRORS_OUTBOX, kind=r.key, failed=r.extra, total=r.count)
        for r in counts.outbox
        if r.extra
    ]
    if len(lines) == 1:
        lines = [turn.t(Msg.ERRORS_NONE)]
    depth, unfinished = counts.queue_depth, counts.unfinished_deliveries
    lines.append(turn.t(Msg.ERRORS_QUEUE, depth=depth, unfinished=unfinished))
    return Step.end(Reply("\n".join(lines)))


async def live(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'live': readings in progress, the last hour, and a week of inbound messages."""
    async with turn.deps.uows(read_only=True) as uow:
        now = await live_figures(uow=uow, now=turn.now)
    c = now.counts
    text = turn.t(
        Msg.LIVE_REPORT,
        live=c.live_sessions,
        scheduled=c.scheduled_now,
        bookings=c.bookings_last_hour,
        messages=c.messages_last_hour,
    )
    spec = None
    if any(map(any, now.activity)):
        spec = Heatmap(
            **_look(turn, turn.t(Msg.LIVE_CHART), ""),
            row_labels=tuple(weekday_names(turn)),
            column_labels=tuple(f"{h:02d}" for h in range(24)),
            matrix=tuple(tuple(float(n) for n in row) for row in now.activity),
        )
    return Step.end(*await with_chart(turn, text, spec, choices=()))


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.PLATFORM,
    roles=frozenset({Role.ADMIN}),
    entry={
        "intent:platform": platform,
        "intent:funnel": funnel,
        "intent:churn": churn,
        "intent:errors": errors_now,
        "intent:live": live,
    },
    actions={
        Verb.PLATFORM: platform,
        Verb.FUNNEL: funnel,
        Verb.CHURN: churn,
        Verb.ERRORS: errors_now,
        Verb.LIVE: live,
    },
)
