"""Transactional email over SMTP with aiosmtplib.

`smtp://user:pass@host:587` upgrades with STARTTLS and refuses to go on without it, so a
network that strips STARTTLS cannot read the password; only a loopback server (a relay on
the same machine, the tests' aiosmtpd) may answer in the clear. `smtps://host:465` speaks
TLS from the first byte.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib

from connectors.settings import SmtpSettings
from domain.errors import PermanentConnectorError, TransientConnectorError
from domain.ports.email import OutgoingEmail

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class SmtpMailer:
    """`Mailer` that hands each email to one SMTP server, one connection per email."""

    provider = "smtp"

    def __init__(self, settings: SmtpSettings) -> None:
        """Read the server, credentials and TLS mode from the URL once."""
        parts = urlsplit(settings.url.get_secret_value())
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("SAMIA_SMTP_URL must look like smtp://user:pass@host:587")
        self._sender = settings.sender
        self._timeout = settings.timeout_seconds
        self._implicit_tls = parts.scheme == "smtps"
        self._host = parts.hostname
        self._port = parts.port or (465 if self._implicit_tls else 587)
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None

    async def send(self, email: OutgoingEmail) -> None:
        """One message; 4xx answers and lost connections are transient, 5xx are not."""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=_sender_domain(self._sender))
        message.set_content(email.text)
        for file in email.attachments:
            maintype, _, subtype = file.content_type.partition("/")
            message.add_attachment(
                file.data, maintype=maintype, subtype=subtype, filename=file.filename
            )
        loopback = self._host in LOOPBACK_HOSTS
        try:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=self._implicit_tls,
                # None: STARTTLS if offered (loopback only); True: STARTTLS or fail.
                start_tls=False if self._implicit_tls else (None if loopback else True),
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPResponseException as exc:
            if 400 <= exc.code < 500:
                raise TransientConnectorError(
                    f"SMTP {exc.code}: {exc.message}", provider=self.provider, status=exc.code
                ) from exc
            raise PermanentConnectorError(
                f"SMTP {exc.code}: {exc.message}", provider=self.provider, status=exc.code
            ) from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            kind = TransientConnectorError if all(400 <= c < 500 for c in codes) else None
            detail = f"SMTP refused the recipient {email.to}: {codes}"
            if kind is not None:
                raise kind(detail, provider=self.provider, status=codes[0]) from exc
            raise PermanentConnectorError(detail, provider=self.provider) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TransientConnectorError(
                f"SMTP server unreachable: {exc}", provider=self.provider
            ) from exc


def _sender_domain(sender: str) -> str:
    """The domain of the From address, for Message-IDs that look like the sender's own."""
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"
