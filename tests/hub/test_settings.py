"""Settings parse from the environment, providers switch on only when complete."""

from __future__ import annotations

import pytest

from hub.settings import ConfigurationError, Settings, load_settings

SECRETS = "123456:telegram-token-value"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("SAMIA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_need_no_accounts() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite:///var/samia.db"
    assert settings.public_url == "http://127.0.0.1:8000"
    assert not any(status.enabled for status in settings.provider_statuses())
    assert settings.telegram is None


def test_complete_provider_is_enabled_with_its_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMIA_TELEGRAM_BOT_TOKEN", SECRETS)
    monkeypatch.setenv("SAMIA_TELEGRAM_WEBHOOK_SECRET", "hook-secret")
    monkeypatch.setenv("SAMIA_TELEGRAM_API_URL", "http://127.0.0.1:9/bot")

    settings = load_settings()

    assert settings.telegram is not None
    assert settings.telegram.bot_token.get_secret_value() == SECRETS
    assert settings.telegram.api_url == "http://127.0.0.1:9/bot"


def test_half_configured_provider_is_refused_naming_the_missing_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAMIA_ZOOM_ACCOUNT_ID", "acc")
    monkeypatch.setenv("SAMIA_ZOOM_CLIENT_ID", "cid")

    with pytest.raises(ConfigurationError) as error:
        load_settings()

    message = str(error.value)
    assert "SAMIA_ZOOM_CLIENT_SECRET" in message
    assert "SAMIA_ZOOM_WEBHOOK_SECRET" in message
    assert "acc" not in message.replace("account", "")


def test_secrets_are_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMIA_SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SAMIA_SLACK_SIGNING_SECRET", "signing-very-secret")

    settings = load_settings()

    assert "very-secret" not in repr(settings)
    assert "very-secret" not in str(settings.slack)


def test_mailchimp_api_url_is_derived_from_the_key_data_centre(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAMIA_MAILCHIMP_API_KEY", "abcdef-us19")
    monkeypatch.setenv("SAMIA_MAILCHIMP_LIST_ID", "list1")

    settings = load_settings()

    assert settings.mailchimp is not None
    assert settings.mailchimp.resolved_api_url == "https://us19.api.mailchimp.com/3.0"


def test_shopify_api_url_defaults_to_the_shop_admin_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMIA_SHOPIFY_SHOP", "samia.myshopify.com")
    monkeypatch.setenv("SAMIA_SHOPIFY_ACCESS_TOKEN", "shpat_x")
    monkeypatch.setenv("SAMIA_SHOPIFY_WEBHOOK_SECRET", "whsec")

    shopify = load_settings().shopify

    assert shopify is not None
    assert shopify.resolved_api_url == "https://samia.myshopify.com/admin/api/2025-07"


def test_every_contract_setting_name_exists() -> None:
    names = {f"SAMIA_{name.upper()}" for name in Settings.model_fields}
    contract = {
        "SAMIA_DATABASE_URL",
        "SAMIA_SECRET_KEY",
        "SAMIA_PUBLIC_URL",
        "SAMIA_ADMIN_TOKEN",
        "SAMIA_TELEGRAM_BOT_TOKEN",
        "SAMIA_TELEGRAM_WEBHOOK_SECRET",
        "SAMIA_TELEGRAM_API_URL",
        "SAMIA_SLACK_BOT_TOKEN",
        "SAMIA_SLACK_SIGNING_SECRET",
        "SAMIA_SLACK_API_URL",
        "SAMIA_META_PAGE_TOKEN",
        "SAMIA_META_APP_SECRET",
        "SAMIA_META_VERIFY_TOKEN",
        "SAMIA_META_PAGE_ID",
        "SAMIA_INSTAGRAM_ACCOUNT_ID",
        "SAMIA_META_GRAPH_URL",
        "SAMIA_META_GRAPH_VERSION",
        "SAMIA_GOOGLE_CREDENTIALS_FILE",
        "SAMIA_GOOGLE_API_URL",
        "SAMIA_ZOOM_ACCOUNT_ID",
        "SAMIA_ZOOM_CLIENT_ID",
        "SAMIA_ZOOM_CLIENT_SECRET",
        "SAMIA_ZOOM_WEBHOOK_SECRET",
        "SAMIA_ZOOM_API_URL",
        "SAMIA_ZOOM_OAUTH_URL",
        "SAMIA_MAILCHIMP_API_KEY",
        "SAMIA_MAILCHIMP_LIST_ID",
        "SAMIA_MAILCHIMP_WEBHOOK_SECRET",
        "SAMIA_MAILCHIMP_API_URL",
        "SAMIA_SHOPIFY_SHOP",
        "SAMIA_SHOPIFY_ACCESS_TOKEN",
        "SAMIA_SHOPIFY_WEBHOOK_SECRET",
        "SAMIA_SHOPIFY_API_VERSION",
        "SAMIA_SHOPIFY_API_URL",
        "SAMIA_X_BEARER_TOKEN",
        "SAMIA_X_CONSUMER_KEY",
        "SAMIA_X_CONSUMER_SECRET",
        "SAMIA_X_ACCESS_TOKEN",
        "SAMIA_X_ACCESS_TOKEN_SECRET",
        "SAMIA_X_API_URL",
    }
    assert contract <= names
