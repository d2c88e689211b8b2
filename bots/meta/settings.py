"""What Messenger and Instagram need from the operator; `hub/settings.py` composes it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr

__all__ = ("MetaSettings",)


class MetaSettings(BaseModel):
    """Page token for Messenger (and Instagram) sends and the app secret for webhooks."""

    model_config = ConfigDict(frozen=True)  # an adapter cannot change what it was given

    page_token: SecretStr
    app_secret: SecretStr
    verify_token: SecretStr
    page_id: str
    instagram_account_id: str | None = None
    graph_url: str = "https://graph.facebook.com/"
    graph_version: str = "v21.0"
