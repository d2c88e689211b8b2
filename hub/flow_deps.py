"""Flow dependencies built from the hub's Settings: storage, notifier, channels, accounts.

The hub is the composition root: `flows/` only knows `FlowDeps`. The hub's runtime
installs deps on its own database (`deps_on`); a process without the hub (a Prefect
worker, `samia flows run`) builds one set per process from `SAMIA_*` settings
(`deps_from_environment`, registered with the flows by hub/flow_entrypoints.py).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any
from uuid import UUID

import httpx

from domain.analytics.charts import ChartSpec
from domain.analytics.digest import ChartImage, StoredChart
from domain.clock import Clock, SystemClock
from domain.enums import Channel
from domain.ports.files import ChannelFiles
from domain.ports.fx import FxRateSource
from domain.ports.notify import DeliveryReport, Notice, Notifier
from domain.ports.storage import UnitOfWorkFactory
from flows._deps import Closer, FlowDeps, RunPolicy, register_deps_builder
from hub.settings import Settings, load_settings
from hub.signed_links import LinkSigner
from storage.uow import Database

SLACK_FILES_HOST = "files.slack.com"
_built: FlowDeps | None = None
_build_lock = asyncio.Lock()


async def deps_from_environment() -> FlowDeps:
    """Dependencies built once per process from the environment's settings."""
    global _built
    async with _build_lock:
        if _built is None:
            _built = await build_deps(load_settings())
    return _built


def register_environment_deps() -> None:
    """Flows run where nothing is installed get `deps_from_environment()`."""
    register_deps_builder(deps_from_environment)


async def reset_built_deps() -> None:
    """Close the dependencies built from settings (end of a CLI command or worker run)."""
    global _built
    if _built is not None:
        built, _built = _built, None
        await built.aclose()


async def build_deps(
    settings: Settings,
    *,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
    policy: RunPolicy | None = None,
) -> FlowDeps:
    """Open the database and pick providers from settings; channels only when no notifier given."""
    from storage.db import WriterRole

    clock = clock or SystemClock()
    # Flows are background work: on one SQLite file they let chat turns write first.
    database = Database.from_url(
        settings.database_url, clock=clock, writer_role=WriterRole.BACKGROUND
    )
    closers: list[Closer] = [database.dispose]
    if notifier is None:
        lazy = _ChannelNotifier(settings, database.uows, clock)
        notifier = lazy
        closers.append(lazy.aclose)
    deps = deps_on(settings, database=database, clock=clock, notifier=notifier, policy=policy)
    deps.closers[:0] = closers  # closed last: after the connectors
    return deps


def deps_on(
    settings: Settings,
    *,
    database: Database,
    clock: Clock,
    notifier: Notifier,
    policy: RunPolicy | None = None,
) -> FlowDeps:
    """Flow dependencies on a database someone else owns (the hub's runtime)."""
    from bots.notice_emails import NoticeEmails
    from hub.accounts import ProviderAccounts
    from hub.documents import document_renderer
    from hub.invoice_routes import invoice_link
    from hub.payments import close_provider, payment_providers
    from hub.payout_routes import statement_link
    from hub.runtime import build_mailer
    from hub.secrets import credential_cipher
    from hub.signed_links import link_signer
    from hub.unsubscribe_routes import unsubscribe_links
    from storage.credentials import SqlCredentialVault
    from storage.db import session_factory
    from storage.mailbox import SqlMailbox

    vault = SqlCredentialVault(session_factory(database.engine), credential_cipher(settings))
    accounts = ProviderAccounts(settings, vault=vault)
    payments = payment_providers(settings, clock)
    fx_rates, close_fx = fx_rate_source(settings)
    files, close_files = channel_files(settings, database.uows)
    return FlowDeps(
        uows=database.uows,
        clock=clock,
        notifier=notifier,
        accounts=accounts,
        payments=payments,
        policy=policy or RunPolicy(),
        fx_rates=fx_rates,
        documents=document_renderer(),
        invoice_link=invoice_link(link_signer(settings), clock),
        statement_link=statement_link(link_signer(settings), clock),
        mailer=build_mailer(settings, SqlMailbox(database.uows, clock)),
        emails=NoticeEmails(unsubscribe_link=unsubscribe_links(settings).url),
        channel_files=files,
        chart_image=stored_charts(database.uows, link_signer(settings), clock),
        **email_audience(settings, database, clock),
        closers=[
            accounts.aclose,
            *(partial(close_provider, p) for p in payments.values()),
            close_fx,
            *close_files,
        ],
    )


def email_audience(settings: Settings, database: Database, clock: Clock) -> dict[str, Any]:
    """Mailchimp when its key and list are set, else the built-in outbox."""
    if settings.mailchimp is not None:
        from connectors.audience.mailchimp import MailchimpAudience

        mailchimp = MailchimpAudience(settings.mailchimp)
        return {"audience": mailchimp, "audience_id": mailchimp.audience_id}
    from connectors.audience.builtin import AUDIENCE_ID, BuiltinEmailAudience
    from storage.audience_outbox import SqlCampaignOutbox

    outbox = SqlCampaignOutbox(database.uows, clock)
    return {"audience": BuiltinEmailAudience(outbox), "audience_id": AUDIENCE_ID}


def stored_charts(uows: UnitOfWorkFactory, links: LinkSigner, clock: Clock) -> ChartImage:
    """Charts for notices (the weekly digest): drawn into the file store, linked signed."""
    from hub.charts import chart_pictures

    pictures = chart_pictures(uows, links, clock)

    async def draw(spec: ChartSpec) -> StoredChart:
        picture = await pictures.picture(spec, name="week")
        return StoredChart(key=picture.key, url=picture.url)

    return draw


def channel_files(
    settings: Settings, uows: UnitOfWorkFactory
) -> tuple[dict[Channel, ChannelFiles], list[Closer]]:
    """What fetches receipts people send, per configured chat platform, and their closers.

    Each gets its own HTTP session, so a flows worker fetches without starting adapters.
    """
    from bots.downloads import UrlFiles
    from bots.webchat.files import StoredUploads

    found: dict[Channel, ChannelFiles] = {Channel.WEBCHAT: StoredUploads(uows)}
    closers: list[Closer] = []
    if settings.telegram is not None:
        from bots.telegram.files import TelegramFiles

        telegram = TelegramFiles.from_settings(settings.telegram)
        found[Channel.TELEGRAM] = telegram
        closers.append(telegram.aclose)
    if settings.meta is not None:  # attachment URLs are signed by Meta: no token is sent
        meta = UrlFiles(provider="meta")
        found[Channel.MESSENGER] = found[Channel.INSTAGRAM] = meta
        closers.append(meta.aclose)
    if settings.slack is not None:
        slack = UrlFiles(
            provider="slack",
            token=settings.slack.bot_token,
            # The bot token goes to Slack's file host (and the configured API's host) only.
            token_hosts={SLACK_FILES_HOST, httpx.URL(settings.slack.api_url).host},
            html_hint=" (does the Slack app have the files:read scope?)",
        )
        found[Channel.SLACK] = slack
        closers.append(slack.aclose)
    return found, closers


def fx_rate_source(settings: Settings, *, bundled: bool = False) -> tuple[FxRateSource, Closer]:
    """The ECB when SAMIA_FX_RATES_URL is set (the default), else the bundled history."""
    from connectors.fx.bundled import BundledRateSource

    if bundled or settings.fx is None:
        local = BundledRateSource()
        return local, local.aclose
    from connectors.fx.ecb import EcbRateSource

    ecb = EcbRateSource(settings.fx)
    return ecb, ecb.aclose


class _ChannelNotifier:
    """The hub's notifier for a process without the hub (a worker, `samia flows run`).

    Built on the first message, so flows that never send one (expire-holds) do not load
    or start the chat platforms. Senders only: adapters are started (getMe, auth.test),
    no inbound processing runs here; the web chat inbox is always there.
    """

    def __init__(self, settings: Settings, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._settings, self._uows, self._clock = settings, uows, clock
        self._inner: Notifier | None = None
        self._stop: Closer | None = None
        self._lock = asyncio.Lock()

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a client something, through the channels."""
        inner = await self._ready()
        return await inner.notify_client(
            client_id=client_id, notice=notice, idempotency_key=idempotency_key
        )

    async def notify_reader(
        self, *, reader_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a reader something, through the channels."""
        inner = await self._ready()
        return await inner.notify_reader(
            reader_id=reader_id, notice=notice, idempotency_key=idempotency_key
        )

    async def aclose(self) -> None:
        """Close the channels' sessions if they were opened."""
        if self._stop is not None:
            await self._stop()

    async def _ready(self) -> Notifier:
        async with self._lock:
            if self._inner is None:
                self._inner, self._stop = await self._build()
            return self._inner

    async def _build(self) -> tuple[Notifier, Closer]:
        from bots.notifier import OutboundNotifier
        from bots.outbound import ChannelSender, Delivery, SenderRegistry
        from bots.webchat.inbox import WebchatInbox
        from hub.channels import ChannelHub

        channels = ChannelHub(self._settings)
        senders: list[ChannelSender] = [WebchatInbox(uows=self._uows, clock=self._clock)]
        for adapter in channels.platforms:
            await adapter.start()
            senders.append(adapter.sender)
        delivery = Delivery(
            uows=self._uows,
            clock=self._clock,
            senders=SenderRegistry(senders),
            secrets=channels.secrets(),
        )

        async def stop() -> None:
            for adapter in channels.platforms:
                await adapter.stop()

        return OutboundNotifier(uows=self._uows, clock=self._clock, delivery=delivery), stop
