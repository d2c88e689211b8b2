"""Which flows the hub runs on a timer, by what it is connected to."""

from __future__ import annotations

from datetime import timedelta

from hub.dispatcher import DEFAULT_SCHEDULES, schedules_for
from hub.settings import load_settings


def test_without_mailchimp_no_timer_walks_the_clients_for_an_audience() -> None:
    schedules = schedules_for(load_settings(database_url="sqlite://"))
    assert "sync-mailchimp" not in schedules
    assert schedules["refresh-analytics"] == timedelta(minutes=1)
    assert set(DEFAULT_SCHEDULES) - set(schedules) == {"sync-mailchimp"}


def test_with_mailchimp_its_list_is_kept_in_step_every_quarter_hour() -> None:
    settings = load_settings(
        database_url="sqlite://", mailchimp_api_key="key-us21", mailchimp_list_id="list1"
    )
    assert schedules_for(settings)["sync-mailchimp"] == timedelta(minutes=15)
