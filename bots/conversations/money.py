"""Money in chat: a reader records cash, bills a client, lists and nudges invoices, logs
expenses; a client asks for their invoices (each one a PDF document)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from bots.conversations.common import Conv, client_menu, domain_error_reply, reader_menu
from bots.conversations.deps import ChatDeps
from bots.conversations.verbs import MoneyVerb as Verb
from bots.engine import (
    Action,
    Choice,
    Conversation,
    EventKind,
    InboundEvent,
    InboundFile,
    Reply,
    Step,
    Turn,
    typed_phrase,
)
from bots.language import format_day, format_money
from bots.language.messages import Msg
from domain import errors
from domain.billing import reader_money
from domain.billing.invoices import Invoice
from domain.billing.money import InvalidAmount
from domain.enums import (
    Channel,
    ExpenseRecurrence,
    InvoiceKind,
    InvoiceStatus,
    PaymentMethod,
    Role,
)
from domain.files import FileRejected, check_declared
from domain.ports.files import ChannelFile

# "paid #1A2B3C4D cash 40", "دفع 1A2B3C4D نقدا"
PAID = re.compile(
    r"^(?:paid|دفع|مدفوع)\s+#?(?P<ref>[0-9a-f]{6,8})"
    r"(?:\s+(?P<method>cash|transfer|bank|other|نقدا|نقدًا|تحويل|أخرى))?"
    r"(?:\s+(?P<amount>\d+(?:[.,]\d+)?))?$",
    re.IGNORECASE,
)
INVOICE = re.compile(
    r"^(?:invoice|فاتورة)\s+(?P<client>\S+@\S+)\s+(?P<amount>\d+(?:[.,]\d+)?)\s+(?P<reason>.+)$",
    re.IGNORECASE,
)
REMIND = re.compile(r"^(?:remind|ذكّر|ذكر)\s+(?P<number>[a-z]{3}-\d{4}-\d{6})$", re.IGNORECASE)
EXPENSE = re.compile(r"^(?:expense|مصروف)\s+(?P<rest>.+)$", re.IGNORECASE)
READER_PATTERNS = {
    "intent:paid": PAID,
    "intent:invoice": INVOICE,
    "intent:remind": REMIND,
    "intent:expense": EXPENSE,
}
# The last word of an expense that makes it repeat ("expense 30 GBP software monthly").
REPEATS = {
    "monthly": ExpenseRecurrence.MONTHLY,
    "شهري": ExpenseRecurrence.MONTHLY,
    "شهريا": ExpenseRecurrence.MONTHLY,
    "weekly": ExpenseRecurrence.WEEKLY,
    "أسبوعي": ExpenseRecurrence.WEEKLY,
    "اسبوعي": ExpenseRecurrence.WEEKLY,
}
CLIENT_WORDS = frozenset({"my invoices", "invoices", "فواتيري", "الفواتير"})
# Typed alone by a reader: their latest expenses, with links to the receipts.
EXPENSE_LIST_WORDS = frozenset({"expenses", "my expenses", "المصروفات", "مصروفاتي"})
METHODS = {
    "cash": PaymentMethod.CASH,
    "نقدا": PaymentMethod.CASH,
    "نقدًا": PaymentMethod.CASH,
    "transfer": PaymentMethod.BANK_TRANSFER,
    "bank": PaymentMethod.BANK_TRANSFER,
    "تحويل": PaymentMethod.BANK_TRANSFER,
}


def reader_intent(text: str) -> str | None:
    """The money entry a reader's typed line asks for, if any."""
    line = " ".join(text.split())
    if typed_phrase(line) in EXPENSE_LIST_WORDS:
        return "expenses"
    for entry, pattern in READER_PATTERNS.items():
        if pattern.match(line):
            return entry
    return None


async def paid(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'paid #REF cash [amount]': the booking is paid, invoiced and split, once."""
    match = PAID.match(" ".join((event.text or "").split()))
    if match is None:
        return _end(turn, turn.t(Msg.PAID_HELP))
    method = METHODS.get((match["method"] or "cash").lower(), PaymentMethod.OTHER)
    try:
        settled = await turn.deps.record_payment(
            reader_id=turn.actor.person_id,
            reference=match["ref"],
            method=method,
            amount_text=match["amount"],
        )
    except InvalidAmount as error:
        return _end(turn, turn.t(Msg.MONEY_REFUSED, reason=str(error)))
    except errors.DomainError as error:
        return Step.end(_refusal(turn, error))
    assert settled.invoice is not None
    text = turn.t(
        Msg.PAID_RECORDED,
        amount=_money(turn, settled.payment.amount.amount_minor, settled.payment.amount.currency),
        reference=match["ref"].upper(),
        number=settled.invoice.number,
    )
    return _end(turn, text)


async def invoice(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'invoice lina@example.com 40 follow-up': an ad-hoc invoice, sent to the client."""
    match = INVOICE.match(" ".join((event.text or "").split()))
    if match is None:
        return _end(turn, turn.t(Msg.INVOICE_HELP))
    try:
        issued = await reader_money.invoice_client(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            reader_id=turn.actor.person_id,
            client_ref=match["client"],
            amount_text=match["amount"],
            reason=match["reason"],
        )
    except InvalidAmount as error:
        return _end(turn, turn.t(Msg.MONEY_REFUSED, reason=str(error)))
    except errors.DomainError as error:
        return Step.end(_refusal(turn, error))
    amount = _money(turn, issued.total.amount_minor, issued.currency)
    text = turn.t(Msg.INVOICE_SENT, number=issued.number, amount=amount, client=match["client"])
    return _end(turn, text)


async def invoices(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The reader's latest invoices, paid or not, with a button to nudge the unpaid."""
    lines = await reader_money.reader_invoices(
        uow=turn.deps.uows(read_only=True), reader_id=turn.actor.person_id
    )
    if not lines:
        return _end(turn, turn.t(Msg.NO_INVOICES))
    text = [turn.t(Msg.INVOICES_HEADER)]
    buttons: list[Choice] = []
    for line in lines[:15]:
        text.append(f"• {line.invoice.number} · {line.client_name} · {_total(turn, line.invoice)}")
        text[-1] += f" · {_status(turn, line.invoice)}"
        if line.invoice.status is InvoiceStatus.ISSUED and len(buttons) < 3:
            label = turn.t(Msg.REMIND_BUTTON, number=line.invoice.number)
            buttons.append(
                Choice.of(label, Action(Conv.MONEY.value, Verb.REMIND.value, line.invoice.number))
            )
    return Step.end(Reply("\n".join(text), choices=(*buttons, *reader_menu(turn))))


async def remind(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'remind SAM-2026-000012' (or its button): the client gets the invoice again."""
    number = event.action.arg if event.action else ""
    if not number and (match := REMIND.match((event.text or "").strip())):
        number = match["number"]
    try:
        nudged = await reader_money.remind_invoice(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            reader_id=turn.actor.person_id,
            number=number,
        )
    except errors.DomainError as error:
        return Step.end(_refusal(turn, error))
    return _end(turn, turn.t(Msg.REMINDED, number=nudged.number))


class State(StrEnum):
    """Where a reader's money conversation stands."""

    RECEIPT_FOR = "receipt_for"  # a receipt came without words: what is it for?


async def expense(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'expense 12.50 GBP cards', typed or as a receipt photo's caption."""
    text, repeats = _expense_words(event.text or "")
    return await _record_expense(turn, text, repeats, _sent_receipt(event), asked=False)


async def receipt(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A photo or PDF without words: keep its handle and ask what it was for."""
    file = event.files[0]
    try:
        check_declared(file.content_type, file.size)
    except FileRejected as error:
        return _end(turn, _file_refusal(turn, error))
    turn.ctx["receipt"] = {"channel": event.channel.value, "file": _file_json(file)}
    return Step.to(State.RECEIPT_FOR, Reply(turn.t(Msg.RECEIPT_WHAT_FOR)))


async def receipt_for(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """The answer to 'what is this receipt for?': the expense, recorded with its receipt."""
    kept = turn.ctx.get("receipt") or {}
    source = _sent_receipt(event)
    if source is None and kept:
        source = ChannelFile(Channel(kept["channel"]), InboundFile(**kept["file"]))
    text, repeats = _expense_words(event.text or "")
    return await _record_expense(turn, text, repeats, source, asked=True)


async def _record_expense(
    turn: Turn[ChatDeps],
    text: str,
    repeats: ExpenseRecurrence | None,
    source: ChannelFile | None,
    *,
    asked: bool,
) -> Step:
    """Add the expense (its receipt fetched by a flow) and say what was recorded."""
    try:
        added = await reader_money.add_expense(
            uow=turn.deps.uows(),
            clock=turn.deps.clock,
            reader_id=turn.actor.person_id,
            text=text,
            recurrence=repeats,
            receipt=source,
        )
    except FileRejected as error:
        return _end(turn, _file_refusal(turn, error))
    except InvalidAmount as error:
        if asked:  # still waiting for the words that go with the receipt
            return Step.stay(Reply(turn.t(Msg.RECEIPT_WHAT_FOR) + "\n" + str(error)))
        return _end(turn, turn.t(Msg.EXPENSE_HELP) + "\n" + str(error))
    except errors.DomainError as error:
        return Step.end(_refusal(turn, error))
    amount = _money(turn, added.amount.amount_minor, added.amount.currency)
    said = [turn.t(Msg.EXPENSE_ADDED, amount=amount, category=added.category)]
    if added.recurrence is ExpenseRecurrence.MONTHLY:
        said.append(turn.t(Msg.EXPENSE_REPEATS_MONTHLY))
    elif added.recurrence is ExpenseRecurrence.WEEKLY:
        said.append(turn.t(Msg.EXPENSE_REPEATS_WEEKLY))
    if source is not None:
        said.append(turn.t(Msg.RECEIPT_ATTACHED))
    return _end(turn, " ".join(said))


async def expenses(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """'expenses': the reader's latest costs, each receipt behind a link that opens it."""
    found = await reader_money.recent_expenses(
        uow=turn.deps.uows(read_only=True), clock=turn.deps.clock, reader_id=turn.actor.person_id
    )
    if not found:
        return _end(turn, turn.t(Msg.NO_EXPENSES))
    lines = [turn.t(Msg.EXPENSES_HEADER)]
    for item in found:
        amount = _money(turn, item.amount.amount_minor, item.amount.currency)
        line = f"• {format_day(item.incurred_on, turn.actor.language)} · {amount} · {item.category}"
        link = turn.deps.receipt_link
        if item.receipt_key is not None:
            receipt_word = turn.t(Msg.RECEIPT_WORD)
            line += f" · {receipt_word}: {link(item.id)}" if link else f" · {receipt_word}"
        lines.append(line)
    return _end(turn, "\n".join(lines))


def _expense_words(text: str) -> tuple[str, ExpenseRecurrence | None]:
    """The amount and category words of an expense line, and whether it repeats."""
    line = " ".join(text.split())
    match = EXPENSE.match(line)
    words = (match["rest"] if match else line).split()
    repeats = REPEATS.get(words[-1].lower()) if len(words) > 1 else None
    return " ".join(words[:-1] if repeats else words), repeats


def _sent_receipt(event: InboundEvent) -> ChannelFile | None:
    """The first file sent with this message (a receipt photo), with its channel."""
    return ChannelFile(event.channel, event.files[0]) if event.files else None


def _file_json(file: InboundFile) -> dict[str, Any]:
    """A file's handle as the conversation's JSON context keeps it."""
    return {
        "ref": file.ref,
        "content_type": file.content_type,
        "filename": file.filename,
        "size": file.size,
    }


def _file_refusal(turn: Turn[ChatDeps], error: FileRejected) -> str:
    return turn.t(Msg.RECEIPT_TOO_LARGE if error.too_large else Msg.RECEIPT_WRONG_TYPE)


async def my_invoices(turn: Turn[ChatDeps], event: InboundEvent) -> Step:
    """A client's invoices; each comes as its PDF document."""
    found = await turn.deps.client_invoices(turn.actor.person_id)
    if not found:
        return Step.end(Reply(turn.t(Msg.NO_MY_INVOICES), choices=client_menu(turn)))
    replies = [Reply(turn.t(Msg.MY_INVOICES))]
    for item, link in found[:5]:
        caption = f"{item.number} · {_total(turn, item)} · {_status(turn, item)}"
        replies.append(Reply(caption, document_url=link))
    last = replies[-1]
    replies[-1] = Reply(last.text, document_url=last.document_url, choices=client_menu(turn))
    return Step.end(*replies)


def _total(turn: Turn[ChatDeps], item: Invoice) -> str:
    return _money(turn, item.total.amount_minor, item.currency)


def _status(turn: Turn[ChatDeps], item: Invoice) -> str:
    if item.kind is InvoiceKind.CREDIT_NOTE:
        return turn.t(Msg.CREDIT_NOTE_STATUS)
    return turn.t(Msg.INVOICE_PAID if item.status is InvoiceStatus.PAID else Msg.INVOICE_UNPAID)


def _money(turn: Turn[ChatDeps], amount_minor: int, currency: str) -> str:
    return format_money(amount_minor, currency, turn.actor.language)


def _end(turn: Turn[ChatDeps], text: str) -> Step:
    return Step.end(Reply(text, choices=reader_menu(turn)))


def _refusal(turn: Turn[ChatDeps], error: errors.DomainError) -> Reply:
    """A rule said no: its own words when it is specific to money, else the usual answer."""
    if isinstance(error, errors.InvalidRequest | errors.NotFound):
        return Reply(turn.t(Msg.MONEY_REFUSED, reason=str(error)), choices=reader_menu(turn))
    return domain_error_reply(turn, error)


CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.MONEY,
    roles=frozenset({Role.READER}),
    entry={
        "intent:paid": paid,
        "intent:invoice": invoice,
        "intent:remind": remind,
        "intent:expense": expense,
        "invoices": invoices,
        "expenses": expenses,
        EventKind.ATTACHMENT.value: receipt,
    },
    states={State.RECEIPT_FOR: receipt_for},
    actions={Verb.INVOICES: invoices, Verb.REMIND: remind},
)

CLIENT_CONVERSATION: Conversation[ChatDeps] = Conversation(
    name=Conv.MY_MONEY,
    roles=frozenset({Role.CLIENT}),
    entry={"my_invoices": my_invoices},
    actions={Verb.MY_INVOICES: my_invoices},
)
