"""One mailer contract for SMTP (aiosmtplib against a loopback aiosmtpd) and the local outbox.

SMTP-only behaviour follows: credentials from the URL, and how server answers map onto
transient and permanent errors.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr

from connectors.email.smtp import SmtpMailer
from connectors.settings import SmtpSettings
from domain.enums import EmailKind
from domain.errors import PermanentConnectorError, TransientConnectorError
from domain.ports.email import Mailer, OutgoingEmail
from storage.mailbox import SqlMailbox
from storage.uow import Database
from tests.support.databases import fresh_sqlite_copy

USER, PASSWORD = "hub@example.com", "s3cret p@ss"


def code_email(to: str = "lina@example.com") -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Your Samia sign-in code: 123456",
        text="Your code is 123456. It works for 10 minutes.\n\nرمزك هو 123456",
        kind=EmailKind.LOGIN_CODE,
    )


class Recorder:
    """aiosmtpd handler: keeps what it is given; some addresses get error answers."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.logins: list[str] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("later@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        if ok:
            self.logins.append(USER)
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Recorder]]:
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=recorder.authenticate,
        auth_require_tls=False,  # loopback only: the real relay has TLS
    )
    controller.start()
    try:
        yield controller, recorder
    finally:
        controller.stop()


def smtp_url(controller: Controller, *, user: str = USER, password: str = PASSWORD) -> str:
    from urllib.parse import quote

    return f"smtp://{quote(user)}:{quote(password)}@127.0.0.1:{controller.port}"


class World(Protocol):
    mailer: Mailer

    async def received(self) -> list[tuple[str, str, str]]: ...


class SmtpWorld:
    def __init__(self, controller: Controller, recorder: Recorder) -> None:
        self.mailer = SmtpMailer(
            SmtpSettings(url=SecretStr(smtp_url(controller)), sender="Samia <hub@example.com>")
        )
        self.recorder = recorder

    async def received(self) -> list[tuple[str, str, str]]:
        return [
            (to[0], str(msg["Subject"]), msg.get_content().replace("\r\n", "\n").rstrip("\n"))
            for to, msg in self.recorder.messages
        ]


class OutboxWorld:
    def __init__(self, database: Database) -> None:
        self.mailbox = SqlMailbox(database.uows)
        self.mailer = self.mailbox

    async def received(self) -> list[tuple[str, str, str]]:
        held = await self.mailbox.recent()
        return [(e.to, e.subject, e.text) for e in reversed(held)]


@pytest.fixture(params=["smtp", "outbox"])
async def world(
    request: pytest.FixtureRequest,
    smtp_server: tuple[Controller, Recorder],
    sqlite_template: Path,
    tmp_path: Path,
) -> AsyncIterator[World]:
    if request.param == "smtp":
        yield SmtpWorld(*smtp_server)
        return
    database = Database.from_url(fresh_sqlite_copy(sqlite_template, tmp_path / "mail.db"))
    try:
        yield OutboxWorld(database)
    finally:
        await database.dispose()


async def test_an_email_arrives_with_its_subject_and_text(world: World) -> None:
    await world.mailer.send(code_email())

    assert await world.received() == [
        (
            "lina@example.com",
            "Your Samia sign-in code: 123456",
            "Your code is 123456. It works for 10 minutes.\n\nرمزك هو 123456",
        )
    ]


async def test_each_send_is_one_email(world: World) -> None:
    await world.mailer.send(code_email("a@example.com"))
    await world.mailer.send(code_email("b@example.com"))

    assert [to for to, _, _ in await world.received()] == ["a@example.com", "b@example.com"]


async def test_smtp_signs_in_with_the_url_credentials_and_sets_headers(
    smtp_server: tuple[Controller, Recorder],
) -> None:
    controller, recorder = smtp_server
    mailer = SmtpMailer(
        SmtpSettings(url=SecretStr(smtp_url(controller)), sender="Samia <hub@example.com>")
    )

    await mailer.send(code_email())

    assert recorder.logins == [USER]  # quoted user and password survive the URL
    message = recorder.messages[0][1]
    assert message["From"] == "Samia <hub@example.com>"
    assert message["Message-ID"].endswith("@example.com>")
    assert message["Date"]


async def test_smtp_wrong_password_is_permanent(smtp_server: tuple[Controller, Recorder]) -> None:
    controller, _ = smtp_server
    url = smtp_url(controller, password="wrong")
    mailer = SmtpMailer(SmtpSettings(url=SecretStr(url)))

    with pytest.raises(PermanentConnectorError):
        await mailer.send(code_email())


@pytest.mark.parametrize(
    ("to", "error"),
    [
        ("nobody@example.com", PermanentConnectorError),
        ("later@example.com", TransientConnectorError),
    ],
)
async def test_smtp_answers_map_to_permanent_and_transient(
    smtp_server: tuple[Controller, Recorder], to: str, error: type[Exception]
) -> None:
    controller, recorder = smtp_server
    mailer = SmtpMailer(SmtpSettings(url=SecretStr(smtp_url(controller))))

    with pytest.raises(error):
        await mailer.send(code_email(to))
    assert recorder.messages == []


async def test_smtp_server_down_is_transient() -> None:
    mailer = SmtpMailer(
        SmtpSettings(url=SecretStr(f"smtp://127.0.0.1:{free_port()}"), timeout_seconds=2)
    )

    with pytest.raises(TransientConnectorError):
        await mailer.send(code_email())


def test_a_url_that_is_not_smtp_is_refused() -> None:
    with pytest.raises(ValueError, match="SAMIA_SMTP_URL"):
        SmtpMailer(SmtpSettings(url=SecretStr("http://mail.example.com")))
