"""The flows as prefect.yaml's deployments load them: with deps built from settings.

A Prefect worker imports this file (its `entrypoint`), so the flows it runs, where no
hub installed anything, get dependencies built once from the worker's `SAMIA_*`
settings. The flow objects are the flows' own: names and parameters are unchanged.
"""

from __future__ import annotations

from flows.analytics import rebuild_analytics_flow, refresh_analytics_flow
from flows.audience import sync_mailchimp_flow
from flows.calendars import sync_calendars
from flows.campaigns import run_campaigns_flow
from flows.digest import send_weekly_digest_flow
from flows.expenses import repeat_expenses_flow
from flows.follow_ups import run_follow_ups_flow
from flows.fx import sync_fx_rates_flow
from flows.holds import expire_holds
from flows.loyalty import award_loyalty_bonuses_flow, expire_loyalty_points_flow
from flows.outbox import process_outbox
from flows.payouts import run_payouts_flow
from flows.reminders import send_reminders
from hub.flow_deps import register_environment_deps

register_environment_deps()

__all__ = [
    "award_loyalty_bonuses_flow",
    "expire_holds",
    "expire_loyalty_points_flow",
    "process_outbox",
    "rebuild_analytics_flow",
    "refresh_analytics_flow",
    "repeat_expenses_flow",
    "run_campaigns_flow",
    "run_follow_ups_flow",
    "run_payouts_flow",
    "send_reminders",
    "send_weekly_digest_flow",
    "sync_calendars",
    "sync_fx_rates_flow",
    "sync_mailchimp_flow",
]
