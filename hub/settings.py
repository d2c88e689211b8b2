"""Settings from the environment or `.env` (prefix SAMIA_), with per-provider switches."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bots.meta.settings import MetaSettings
from bots.slack.settings import SlackSettings
from bots.telegram.settings import TelegramSettings
from connectors.settings import (
    FxSettings,
    GoogleSettings,
    MailchimpSettings,
    ShopifySettings,
    SmtpSettings,
    StripeSettings,
    XSettings,
    ZoomSettings,
)

DEFAULT_DATABASE_URL = "sqlite:///var/samia.db"


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message names it and is safe to print."""


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """How one provider's vendor model is filled from flat SAMIA_* settings."""

    name: str
    model: type[BaseModel]
    required: dict[str, str]  # vendor field -> settings attribute
    optional: dict[str, str]


PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        "telegram",
        TelegramSettings,
        {"bot_token": "telegram_bot_token", "webhook_secret": "telegram_webhook_secret"},
        {
            "api_url": "telegram_api_url",
            "payment_provider_token": "telegram_payment_provider_token",
        },
    ),
    ProviderSpec(
        "slack",
        SlackSettings,
        {"bot_token": "slack_bot_token", "signing_secret": "slack_signing_secret"},
        {"api_url": "slack_api_url"},
    ),
    ProviderSpec(
        "meta",
        MetaSettings,
        {
            "page_token": "meta_page_token",
            "app_secret": "meta_app_secret",
            "verify_token": "meta_verify_token",
            "page_id": "meta_page_id",
        },
        {
            "instagram_account_id": "instagram_account_id",
            "graph_url": "meta_graph_url",
            "graph_version": "meta_graph_version",
        },
    ),
    ProviderSpec(
        "google",
        GoogleSettings,
        {"credentials_file": "google_credentials_file"},
        {"api_url": "google_api_url"},
    ),
    ProviderSpec(
        "zoom",
        ZoomSettings,
        {
            "account_id": "zoom_account_id",
            "client_id": "zoom_client_id",
            "client_secret": "zoom_client_secret",
            "webhook_secret": "zoom_webhook_secret",
        },
        {"api_url": "zoom_api_url", "oauth_url": "zoom_oauth_url"},
    ),
    ProviderSpec(
        "mailchimp",
        MailchimpSettings,
        {"api_key": "mailchimp_api_key", "list_id": "mailchimp_list_id"},
        {"webhook_secret": "mailchimp_webhook_secret", "api_url": "mailchimp_api_url"},
    ),
    ProviderSpec(
        "shopify",
        ShopifySettings,
        {
            "shop": "shopify_shop",
            "access_token": "shopify_access_token",
            "webhook_secret": "shopify_webhook_secret",
        },
        {"api_version": "shopify_api_version", "api_url": "shopify_api_url"},
    ),
    ProviderSpec("smtp", SmtpSettings, {"url": "smtp_url"}, {"sender": "email_from"}),
    ProviderSpec(
        "stripe",
        StripeSettings,
        {"api_key": "stripe_api_key", "webhook_secret": "stripe_webhook_secret"},
        {"api_url": "stripe_api_url"},
    ),
    ProviderSpec(
        "x",
        XSettings,
        {
            "consumer_key": "x_consumer_key",
            "consumer_secret": "x_consumer_secret",
            "access_token": "x_access_token",
            "access_token_secret": "x_access_token_secret",
        },
        {"bearer_token": "x_bearer_token", "api_url": "x_api_url"},
    ),
)


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    """Whether a provider is switched on, and what it still lacks if half-configured."""

    name: str
    enabled: bool
    missing: tuple[str, ...]


class FlowsMode(StrEnum):
    """Where `samia serve` runs the booking flows (SAMIA_FLOWS)."""

    WORKER = "worker"  # a `samia flows work` child process next to the web server (default)
    INLINE = "inline"  # in the web server's own event loop: one process, slower answers
    OFF = "off"  # not at all: Prefect workers or a separate `samia flows work` run them


class Settings(BaseSettings):
    """Every SAMIA_* setting from CONTRACT.md; a provider is on only when complete."""

    model_config = SettingsConfigDict(
        env_prefix="SAMIA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: SecretStr | None = None
    public_url: str = "http://127.0.0.1:8000"
    admin_token: SecretStr | None = None
    var_dir: Path = Path("var")
    default_timezone: str = "UTC"
    default_currency: str = "USD"
    hold_minutes: int = 10
    # Where `samia serve` runs the flows; `off` when Prefect workers run them (scaled out).
    flows: FlowsMode = FlowsMode.WORKER

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None  # t.me/<it>?start=ref_CODE invitation links

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    meta_page_token: SecretStr | None = None
    meta_app_secret: SecretStr | None = None
    meta_verify_token: SecretStr | None = None
    meta_page_id: str | None = None
    instagram_account_id: str | None = None
    meta_graph_url: str = "https://graph.facebook.com/"
    meta_graph_version: str = "v21.0"

    google_credentials_file: str | None = None
    google_api_url: str = "https://www.googleapis.com/"

    zoom_account_id: str | None = None
    zoom_client_id: str | None = None
    zoom_client_secret: SecretStr | None = None
    zoom_webhook_secret: SecretStr | None = None
    zoom_api_url: str = "https://api.zoom.us/v2/"
    zoom_oauth_url: str = "https://zoom.us/oauth/token"

    mailchimp_api_key: SecretStr | None = None
    mailchimp_list_id: str | None = None
    mailchimp_webhook_secret: SecretStr | None = None
    mailchimp_api_url: str | None = None

    shopify_shop: str | None = None
    shopify_access_token: SecretStr | None = None
    shopify_webhook_secret: SecretStr | None = None
    shopify_api_version: str = "2025-07"
    shopify_api_url: str | None = None

    smtp_url: SecretStr | None = None
    email_from: str | None = None

    x_bearer_token: SecretStr | None = None
    x_consumer_key: SecretStr | None = None
    x_consumer_secret: SecretStr | None = None
    x_access_token: SecretStr | None = None
    x_access_token_secret: SecretStr | None = None
    x_api_url: str = "https://api.twitter.com"

    # The ECB's daily file; empty = the ECB history bundled with the package, no network.
    fx_rates_url: str = FxSettings().rates_url

    stripe_api_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_url: str = "https://api.stripe.com"
    telegram_payment_provider_token: SecretStr | None = None

    @model_validator(mode="after")
    def _refuse_half_configured_providers(self) -> Settings:
        """Fail at start-up, naming the setting, rather than half-working at the first call."""
        for status in self.provider_statuses():
            if status.missing and not status.enabled and _has_any(self, status.name):
                names = ", ".join(f"SAMIA_{m.upper()}" for m in status.missing)
                raise ValueError(f"{status.name} is half-configured: set {names} or unset it")
        if self.hold_minutes < 1:
            raise ValueError("SAMIA_HOLD_MINUTES must be at least 1")
        return self

    def provider_statuses(self) -> list[ProviderStatus]:
        """The state of every provider, for `samia doctor` and start-up checks."""
        statuses = []
        for spec in PROVIDERS:
            missing = tuple(attr for attr in spec.required.values() if not _is_set(self, attr))
            statuses.append(ProviderStatus(spec.name, enabled=not missing, missing=missing))
        return statuses

    def provider(self, name: str) -> Any:
        """The vendor settings model for an enabled provider, or None when it is off."""
        return self._vendor_models.get(name)

    @cached_property
    def _vendor_models(self) -> dict[str, BaseModel]:
        models: dict[str, BaseModel] = {}
        for spec in PROVIDERS:
            if any(not _is_set(self, attr) for attr in spec.required.values()):
                continue
            values = {field: getattr(self, attr) for field, attr in spec.required.items()}
            values |= {
                field: getattr(self, attr)
                for field, attr in spec.optional.items()
                if getattr(self, attr) is not None
            }
            models[spec.name] = spec.model(**values)
        return models

    @property
    def smtp(self) -> SmtpSettings | None:
        """SMTP settings when email should really leave (else the local outbox holds it)."""
        return self.provider("smtp")  # type: ignore[no-any-return]

    @property
    def telegram(self) -> TelegramSettings | None:
        """Telegram settings when the bot is configured."""
        return self.provider("telegram")  # type: ignore[no-any-return]

    @property
    def slack(self) -> SlackSettings | None:
        """Slack settings when the app is configured."""
        return self.provider("slack")  # type: ignore[no-any-return]

    @property
    def meta(self) -> MetaSettings | None:
        """Messenger / Instagram settings when the page is configured."""
        return self.provider("meta")  # type: ignore[no-any-return]

    @property
    def google(self) -> GoogleSettings | None:
        """Google Calendar settings when a credentials file is given."""
        return self.provider("google")  # type: ignore[no-any-return]

    @property
    def zoom(self) -> ZoomSettings | None:
        """Zoom settings when the Server-to-Server app is configured."""
        return self.provider("zoom")  # type: ignore[no-any-return]

    @property
    def mailchimp(self) -> MailchimpSettings | None:
        """Mailchimp settings when an API key and audience are given."""
        return self.provider("mailchimp")  # type: ignore[no-any-return]

    @property
    def shopify(self) -> ShopifySettings | None:
        """Shopify settings when a shop is configured."""
        return self.provider("shopify")  # type: ignore[no-any-return]

    @property
    def stripe(self) -> StripeSettings | None:
        """Stripe Checkout, when its key and webhook secret are both set."""
        return self.provider("stripe")  # type: ignore[no-any-return]

    @property
    def x(self) -> XSettings | None:
        """X settings when user-context credentials are given."""
        return self.provider("x")  # type: ignore[no-any-return]

    @property
    def fx(self) -> FxSettings | None:
        """Where daily rates come from; None (an empty URL) keeps to the bundled history."""
        return FxSettings(rates_url=self.fx_rates_url) if self.fx_rates_url.strip() else None


def _is_set(settings: Settings, attr: str) -> bool:
    value = getattr(settings, attr)
    if isinstance(value, SecretStr):
        return bool(value.get_secret_value())
    return bool(value)


def _has_any(settings: Settings, provider: str) -> bool:
    spec = next(s for s in PROVIDERS if s.name == provider)
    return any(_is_set(settings, attr) for attr in spec.required.values())


def load_settings(**overrides: Any) -> Settings:
    """Read settings, turning validation errors into one clear, secret-free message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        reasons = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigurationError(f"invalid settings: {reasons}") from None


def _describe(error: Any) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"SAMIA_{location.upper()}: {message}" if location else message
