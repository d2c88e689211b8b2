"""A reader's reports in chat: "pnl [period]", "tax report [quarter]", "outstanding".

Each answer is the report as text plus the same report as a CSV document (a signed
link), in English or Arabic; the period words work in both languages ("الشهر الماضي").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from bots.conversations.common import Conv, reader_menu
from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import ReportVerb as Verb
from bots.engine import Action, Choice, Conversation, InboundEvent, Reply, Step, Turn
from bots.language import format_day, format_money
from bots.language.messages import Msg
from domain import errors
from domain.billing import reports
from domain.billing.reports import ReportPeriod
from domain.billing.statements import zone_of
from domain.enums import ReportKind, Role

PNL = re.compile(
    r"^(?:pnl|p&l|p/l|profit(?: and loss)?|الأرباح|الارباح|الأرباح والخسائر|الربح والخسارة)"
    r"(?:\s+(?P<period>.+))?$",
    re.IGNORECASE,
)
TAX = re.compile(
    r"^(?:tax report|tax|تقرير الضريبة|الضريبة|تقرير الضرائب)(?:\s+(?P<period>.+))?$",
    re.IGNORECASE,
)
OUTSTANDING = re.compile(
    r"^(?:outstanding|unpaid|unpaid invoices|المستحقات|غير المدفوعة|الفواتير غير المدفوعة)$",
    re.IGNORECASE,
)
PATTERNS = {"intent:pnl": PNL, "intent:tax_report": TAX, "intent:outstanding": OUTSTANDING}
# Arabic period words, as the domain's period names; Arabic-Indic digits as ASCII.
ARABIC_PERIODS = {
    "هذا الشهر": "this month",
    "الشهر الحالي": "this month",
    "الشهر الماضي": "last month",
    "الشهر السابق": "last month",
    "هذا الربع": "this quarter",
    "الربع الحالي": "this quarter",
    "الربع الماضي": "last quarter",
    "الربع السابق": "last quarter",
    "هذه السنة": "this year",
    "هذا العام": "this year",
}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_QUARTER_AR = re.compile(r"^(?:الربع\s*)?ر\s*([1-4])\s+(\d{4})$")


def reader_intent(text: str) -> str | None:
    """The report a reader's typed line asks for, if any."""
    line = " ".join(text.split())
    for entry, pattern in PATTERNS.items():
        if pattern.match(line):
            return entry
    return None


def period_words(text: str | None) -> str | None:
    """The period as the domain reads it: Arabic words and digits made plain."""
    if not text:
        return None
    plain = " ".join(text.translate(_DIGITS).split())
    if match := _QUARTER_AR.match(plain):
        return f"{match[2]}Q{match[1]}"
    return ARABIC_PERIODS.get(plain, plain)


def _period(
    turn: Turn[ChatDeps], event: InboundEvent, pattern: re.Pattern[str], default: str
) -> ReportPeriod:
    """The period typed after the command (or carried by the button)."""
    typed = event.action.arg if event.action else None
    if typed is None and (match := pattern.match(" ".join((event.text or "").split()))):
        typed = match["period"]
    today = turn.now.astimezone(_zone(turn)).date()
    return reports.parse_period(period_words(typed), today, default=default)


async def pnl(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'pnl last month': revenue, refunds, tax, fees, expenses and net, in the reader's money."""
    try:
        period = _period(turn, event, PNL, "this month")
        report = await reports.profit_and_loss(
            uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id, period=period
        )
    except errors.InvalidRequest as error:
        return _refused(turn, error)
    m = _money_in(turn, report.currency)
    lines = [
        turn.t(
            Msg.PNL_REPORT,
            period=period.label,
            revenue=m(report.revenue_minor),
            refunds=m(-report.refunds_minor),
            tax=m(-report.tax_minor),
            fees=m(-report.platform_fees_minor),
            expenses=m(-report.expenses_minor),
            net=m(report.net_minor),
        )
    ]
    if report.unconverted:
        lines.append(
            turn.t(Msg.PNL_UNCONVERTED, count=report.unconverted, currency=report.currency)
        )
    quarter = reports.quarter_of(period.start).label
    buttons = (
        Choice.of(
            turn.t(Msg.TAX_REPORT_BUTTON), Action(Conv.REPORTS.value, Verb.TAX.value, quarter)
        ),
        Choice.of(
            turn.t(Msg.OUTSTANDING_BUTTON), Action(Conv.REPORTS.value, Verb.OUTSTANDING.value)
        ),
    )
    return _answer(turn, "\n".join(lines), ReportKind.PNL, period, buttons)


async def tax_report(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'tax report 2026Q4': net and tax per country and rate, credit notes taken off."""
    try:
        period = _period(turn, event, TAX, "this quarter")
        report = await reports.tax_report(
            uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id, period=period
        )
    except errors.InvalidRequest as error:
        return _refused(turn, error)
    if not report.lines:
        return _answer(turn, turn.t(Msg.NO_TAX_DOCUMENTS, period=period.label), None, period)
    lines = [turn.t(Msg.TAX_REPORT_HEADER, period=period.label)]
    for line in report.lines:
        m = _money_in(turn, line.currency)
        country = line.country or turn.t(Msg.TAX_OUTSIDE_SCOPE)
        if line.reverse_charge:
            lines.append(
                "• " + turn.t(Msg.TAX_REPORT_REVERSE, country=country, net=m(line.net_minor))
            )
            continue
        rate = f"{Decimal(line.rate_bps).scaleb(-2).normalize():f}%"
        text = turn.t(
            Msg.TAX_REPORT_LINE,
            country=country,
            rate=rate,
            net=m(line.net_minor),
            tax=m(line.tax_minor),
        )
        lines.append("• " + text)
    due = ", ".join(_money_in(turn, c)(v) for c, v in report.tax_by_currency().items())
    lines.append(turn.t(Msg.TAX_REPORT_TOTAL, amounts=due))
    return _answer(turn, "\n".join(lines), ReportKind.TAX, period)


async def outstanding(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'outstanding': unpaid invoices, oldest first, and what they add up to."""
    report = await reports.outstanding_invoices(
        uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id
    )
    if not report.invoices:
        return _answer(turn, turn.t(Msg.NO_OUTSTANDING), None, None)
    lines = [turn.t(Msg.OUTSTANDING_HEADER)]
    zone = _zone(turn)
    for item in report.invoices[:15]:
        due = _money_in(turn, item.currency)(item.due_minor)
        day = format_day(item.issued_at.astimezone(zone).date(), turn.actor.language)
        lines.append(
            "• "
            + turn.t(Msg.OUTSTANDING_LINE, number=item.number, client=item.client, due=due, day=day)
        )
    totals = ", ".join(_money_in(turn, t.currency)(t.due_minor) for t in report.totals)
    lines.append(turn.t(Msg.OUTSTANDING_TOTAL, amounts=totals))
    return _answer(turn, "\n".join(lines), ReportKind.OUTSTANDING, None)


def _answer(
    turn: Turn[ChatDeps],
    text: str,
    kind: ReportKind | None,
    period: ReportPeriod | None,
    buttons: tuple[Choice, ...] = (),
) -> Step:
    """The report, then its CSV as a document when the hub can sign a link to it."""
    choices = (*buttons, *reader_menu(turn))
    link = turn.deps.report_link
    if kind is None or link is None:
        return Step.end(Reply(text, choices=choices))
    start: date | None = period.start if period else None
    end: date | None = period.end if period else None
    url = link(turn.actor.person_id, kind, start, end)
    name = f"{kind.value}-{period.label}" if period else kind.value
    csv = Reply(turn.t(Msg.REPORT_CSV, name=name), document_url=url, choices=choices)
    return Step.end(Reply(text), csv)


def _refused(turn: Turn[ChatDeps], error: errors.InvalidRequest) -> Step:
    """A period nobody can read: how to ask, in the reader's language."""
    del error  # its English wording is for the API; the chat says it in the reader's words
    return Step.end(Reply(turn.t(Msg.REPORT_HELP), choices=reader_menu(turn)))


def _money_in(turn: Turn[ChatDeps], currency: str) -> Callable[[int], str]:
    def write(minor: int) -> str:
        return format_money(minor, currency, turn.actor.language)

    return write


def _zone(turn: Turn[ChatDeps]) -> ZoneInfo:
    return zone_of(turn.actor.timezone)


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.REPORTS,
    roles=frozenset({Role.READER}),
    entry={"intent:pnl": pnl, "intent:tax_report": tax_report, "intent:outstanding": outstanding},
    actions={Verb.PNL: pnl, Verb.TAX: tax_report, Verb.OUTSTANDING: outstanding},
)
