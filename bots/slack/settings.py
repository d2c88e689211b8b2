"""What the Slack channel needs from the operator; `hub/settings.py` composes it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr

__all__ = ("SlackSettings",)


class SlackSettings(BaseModel):
    """Bot token for the Web API and the signing secret for inbound requests."""

    model_config = ConfigDict(frozen=True)  # an adapter cannot change what it was given

    bot_token: SecretStr
    signing_secret: SecretStr
    api_url: str = "https://slack.com/api/"
