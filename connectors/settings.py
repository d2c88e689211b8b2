"""One settings model per vendor; connectors receive these, never the environment."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr


class VendorSettings(BaseModel):
    """Base for vendor settings: immutable so a connector cannot change what it was given."""

    model_config = ConfigDict(frozen=True)


class SmtpSettings(VendorSettings):
    """An SMTP server URL (`smtp://user:pass@host:587` with STARTTLS, `smtps://` for TLS)."""

    url: SecretStr
    sender: str = "Samia <no-reply@localhost>"
    timeout_seconds: float = 15.0


class GoogleSettings(VendorSettings):
    """Service-account or authorized-user credentials file for Google Calendar."""

    credentials_file: str
    api_url: str = "https://www.googleapis.com/"


class ZoomSettings(VendorSettings):
    """Server-to-Server OAuth app credentials and the webhook secret token."""

    account_id: str
    client_id: str
    client_secret: SecretStr
    webhook_secret: SecretStr
    api_url: str = "https://api.zoom.us/v2/"
    oauth_url: str = "https://zoom.us/oauth/token"


class MailchimpSettings(VendorSettings):
    """Marketing API key (its suffix names the data centre) and the audience to sync."""

    api_key: SecretStr
    list_id: str
    webhook_secret: SecretStr | None = None
    api_url: str | None = None

    @property
    def resolved_api_url(self) -> str:
        """The API host: explicit setting, else the data centre named by the key's suffix."""
        if self.api_url:
            return self.api_url
        data_centre = self.api_key.get_secret_value().rsplit("-", 1)[-1]
        return f"https://{data_centre}.api.mailchimp.com/3.0"


class ShopifySettings(VendorSettings):
    """Admin API access for one shop and the secret that signs its webhooks."""

    shop: str
    access_token: SecretStr
    webhook_secret: SecretStr
    api_version: str = "2025-07"
    api_url: str | None = None

    @property
    def resolved_api_url(self) -> str:
        """The Admin API base: explicit setting, else the shop's own admin path."""
        return self.api_url or f"https://{self.shop}/admin/api/{self.api_version}"


class XSettings(VendorSettings):
    """OAuth 1.0a user context (posting needs it) and an optional app bearer token."""

    consumer_key: SecretStr
    consumer_secret: SecretStr
    access_token: SecretStr
    access_token_secret: SecretStr
    bearer_token: SecretStr | None = None
    api_url: str = "https://api.twitter.com"


class FxSettings(VendorSettings):
    """The ECB's daily reference-rate file; its 90-day and full history sit beside it."""

    rates_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
    timeout_seconds: float = 30.0


class StripeSettings(VendorSettings):
    """A secret API key for Checkout and refunds, and the signing secret of the webhook endpoint."""

    api_key: SecretStr
    webhook_secret: SecretStr
    api_url: str = "https://api.stripe.com"
    tolerance_seconds: int = 300  # Stripe's own default window for a signature's timestamp
