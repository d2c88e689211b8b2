"""Notices written as email (`domain.ports.email.EmailWriter`): the chat's words, by email.

An invoice email says what the chat notice says (the same catalog message) and adds the
link on a line of its own, outside any translated sentence, so no bidi isolation mark
sits next to it for a mail client to swallow into the address.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from bots.follow_up_notices import follow_up_email
from bots.language import translator
from bots.language.messages import Msg
from bots.language.messages_audience import AudienceMsg
from bots.notices import INVOICE_NOTICES, invoice_headline
from domain.enums import InvoiceKind
from domain.ports.email import EmailCopy
from domain.ports.notify import Notice, NoticeKind


class NoticeEmails:
    """Implements `EmailWriter` for the notices that also go by email (invoices, follow-ups)."""

    def __init__(self, *, unsubscribe_link: Callable[[UUID], str] | None = None) -> None:
        """`unsubscribe_link(client id)`: the hub's signed link that stops every offer."""
        self._unsubscribe_link = unsubscribe_link

    def write(self, notice: Notice, *, language: str) -> EmailCopy:
        """The subject and text, in the recipient's language."""
        if notice.kind is NoticeKind.FOLLOW_UP:
            return self._with_unsubscribe(follow_up_email(notice, language), notice, language)
        if notice.kind not in INVOICE_NOTICES:
            raise ValueError(f"{notice.kind} notices are not sent by email")
        t = translator(language).gettext
        params = notice.params
        names = {"number": params.get("number", ""), "reader": params.get("reader", "")}
        reminder = notice.kind is NoticeKind.INVOICE_REMINDER
        credit_note = params.get("document") == InvoiceKind.CREDIT_NOTE.value
        subject_id = Msg.INVOICE_REMINDER_SUBJECT if reminder else Msg.INVOICE_EMAIL_SUBJECT
        subject = t(Msg.CREDIT_NOTE_EMAIL_SUBJECT if credit_note else subject_id, **names)
        lines = [invoice_headline(t, notice.kind, dict(params), language), ""]
        if params.get("document_url"):
            link = Msg.CREDIT_NOTE_EMAIL_LINK if credit_note else Msg.INVOICE_EMAIL_LINK
            lines += [t(link), params["document_url"], ""]
        lines.append(t(Msg.INVOICE_EMAIL_SIGNATURE, reader=names["reader"]))
        return EmailCopy(subject=subject, text="\n".join(lines))

    def _with_unsubscribe(self, copy: EmailCopy, notice: Notice, language: str) -> EmailCopy:
        """The link to stop offers, on a line of its own, when the client is known."""
        client = notice.params.get("client_id")
        if self._unsubscribe_link is None or not client:
            return copy
        footer = translator(language).gettext(AudienceMsg.UNSUBSCRIBE_FOOTER)
        link = self._unsubscribe_link(UUID(client))
        return EmailCopy(subject=copy.subject, text=f"{copy.text}\n\n{footer}\n{link}")
