"""Every flow by its deployment name, for `samia flows run` and the hub's schedules."""

from __future__ import annotations

from typing import Any

FLOW_NAMES = (
    "process-outbox",
    "send-reminders",
    "expire-holds",
    "sync-calendars",
    "sync-fx-rates",
    "sync-mailchimp",
    "run-payouts",
    "repeat-expenses",
    "refresh-analytics",
    "rebuild-analytics",
    "send-weekly-digest",
    "run-campaigns",
    "run-follow-ups",
    "expire-loyalty-points",
    "award-loyalty-bonuses",
)


def flow_by_name(name: str) -> Any:
    """The Prefect flow called `name` (imported lazily: Prefect takes seconds to import)."""
    if name == "process-outbox":
        from flows.outbox import process_outbox

        return process_outbox
    if name == "send-reminders":
        from flows.reminders import send_reminders

        return send_reminders
    if name == "expire-holds":
        from flows.holds import expire_holds

        return expire_holds
    if name == "sync-calendars":
        from flows.calendars import sync_calendars

        return sync_calendars
    if name == "sync-fx-rates":
        from flows.fx import sync_fx_rates_flow

        return sync_fx_rates_flow
    if name == "sync-mailchimp":
        from flows.audience import sync_mailchimp_flow

        return sync_mailchimp_flow
    if name == "run-payouts":
        from flows.payouts import run_payouts_flow

        return run_payouts_flow
    if name == "repeat-expenses":
        from flows.expenses import repeat_expenses_flow

        return repeat_expenses_flow
    if name == "refresh-analytics":
        from flows.analytics import refresh_analytics_flow

        return refresh_analytics_flow
    if name == "rebuild-analytics":
        from flows.analytics import rebuild_analytics_flow

        return rebuild_analytics_flow
    if name == "send-weekly-digest":
        from flows.digest import send_weekly_digest_flow

        return send_weekly_digest_flow
    if name == "run-campaigns":
        from flows.campaigns import run_campaigns_flow

        return run_campaigns_flow
    if name == "run-follow-ups":
        from flows.follow_ups import run_follow_ups_flow

        return run_follow_ups_flow
    if name == "expire-loyalty-points":
        from flows.loyalty import expire_loyalty_points_flow

        return expire_loyalty_points_flow
    if name == "award-loyalty-bonuses":
        from flows.loyalty import award_loyalty_bonuses_flow

        return award_loyalty_bonuses_flow
    raise KeyError(f"no flow named {name!r}; choose one of {', '.join(FLOW_NAMES)}")
