"""The one Prefect task every outbox row runs in, and how it retries.

Retries happen on the task that performs the side effect, only for transient connector
errors, with exponential backoff that never undercuts the vendor's Retry-After. A wait
longer than the run should sit through goes back to the outbox (`record_failure`).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext
from prefect.tasks import exponential_backoff

from domain.billing.invoice_delivery import InvoiceSender
from domain.booking.effects import (
    apply_effect,
    claim_effects,
    effect_group,
    effects_due,
    record_failure,
    release_effects,
)
from domain.booking.externals import EffectResult
from domain.enums import OutboxKind
from domain.errors import TransientConnectorError
from domain.models import OutboxEntry
from flows._deps import FlowDeps, RunPolicy, current_deps

# Results are never persisted (the outbox is the record). Naming a storage path stops
# Prefect 3.9 from asking the API for its default result storage on every flow run, a
# blocking call through a sync client it never closes (one leaked socket per run).
FLOW_OPTIONS: dict[str, Any] = {
    "persist_result": False,
    "result_storage": Path(tempfile.gettempdir()) / "samia-flow-results",
    "log_prints": False,
}


def _transient(state: Any) -> TransientConnectorError | None:
    """The transient connector error a failed state carries, if that is what it carries."""
    data = getattr(state, "data", None)
    return data if isinstance(data, TransientConnectorError) else None


async def retry_transient_only(task_: Any, task_run: Any, state: Any) -> bool:
    """Retry 429s, 5xx and timeouts that ask for a short wait; never bugs or 4xx."""
    error = _transient(state)
    if error is None:
        return False
    policy = (await current_deps()).policy
    return error.retry_after is None or error.retry_after <= policy.longest_wait_seconds


async def wait_out_retry_after(error: TransientConnectorError, policy: RunPolicy) -> None:
    """Sleep what Prefect's backoff lacks of the vendor's Retry-After before the next try."""
    if error.retry_after is None or error.retry_after > policy.longest_wait_seconds:
        return
    context = TaskRunContext.get()
    if context is None:
        return
    attempt = max(context.task_run.run_count, 1)  # 1 on the first try
    if attempt > policy.retries:
        return  # no retry follows: waiting would only delay giving the row back
    scheduled = policy.backoff_seconds * 2 ** (attempt - 1)
    if error.retry_after > scheduled:
        await asyncio.sleep(error.retry_after - scheduled)


# Every task that writes to a vendor: never cached, retried only on transient errors.
EXTERNAL_WRITE: dict[str, Any] = {
    "cache_policy": NO_CACHE,
    "retries": 3,
    "retry_delay_seconds": exponential_backoff(backoff_factor=1.0),
    "retry_condition_fn": retry_transient_only,
}


@task(name="apply-booking-effect", task_run_name="{entry.key}", **EXTERNAL_WRITE)
async def apply_booking_effect(entry: OutboxEntry) -> EffectResult:
    """One outbox row: calendar, meeting, message, reminders (each step idempotent)."""
    deps = await current_deps()
    try:
        return await apply_effect(
            uows=deps.uows,
            accounts=deps.accounts,
            notifier=deps.notifier,
            clock=deps.clock,
            entry=entry,
            payments=deps.payments,
            invoices=invoice_sender(deps),
            channel_files=deps.channel_files,
        )
    except TransientConnectorError as exc:
        await wait_out_retry_after(exc, deps.policy)
        raise


def invoice_sender(deps: FlowDeps) -> InvoiceSender | None:
    """What `invoice.send` rows need, when this process has a renderer and links."""
    if deps.documents is None or deps.invoice_link is None:
        return None
    return InvoiceSender(deps.documents, deps.invoice_link, deps.mailer, deps.emails)


async def claim_and_run(
    kinds: tuple[OutboxKind, ...], *, limit: int, lease_seconds: int
) -> dict[str, int]:
    """One run's batch: claim the due rows of these kinds, then carry each one out."""
    deps = await current_deps()
    entries = await claim_effects(
        uows=deps.uows,
        clock=deps.clock,
        limit=limit,
        lease=timedelta(seconds=lease_seconds),
        kinds=kinds,
    )
    if not entries:
        return {}
    return await run_rows(deps, entries)


async def keep_taking(
    kinds: tuple[OutboxKind, ...],
    *,
    limit: int,
    lease_seconds: int,
    for_seconds: float,
    poll_seconds: float,
) -> Counter[str]:
    """Within one run, take rows that come due while rows keep coming, for `for_seconds`.

    A flow run's orchestration costs far more CPU than a row (bench/confirmations.py), so
    under a steady stream of bookings one run takes them all for a while instead of a run
    per poll. The run ends at the first poll that finds nothing due, so at a quiet time it
    is exactly one batch long, and when the process starts shutting down.
    """
    deps = await current_deps()
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + for_seconds
    outcomes: Counter[str] = Counter()
    while loop.time() + poll_seconds <= ends_at:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(deps.stopping.wait(), poll_seconds)
        if deps.stopping.is_set():
            break
        if not await effects_due(uows=deps.uows, clock=deps.clock, kinds=kinds):
            break
        outcomes.update(await claim_and_run(kinds, limit=limit, lease_seconds=lease_seconds))
    return outcomes


async def run_rows(deps: FlowDeps, entries: list[OutboxEntry]) -> dict[str, int]:
    """One task per row: a booking's rows in order, bookings side by side, failures recorded."""
    runner: Any = apply_booking_effect.with_options(
        retries=deps.policy.retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=deps.policy.backoff_seconds),
    )
    if FlowRunContext.get() is None:
        runner = apply_booking_effect.fn  # `flow.fn()` in tests: no Prefect API, no retries
    groups: defaultdict[str, list[OutboxEntry]] = defaultdict(list)
    for entry in entries:
        groups[effect_group(entry)].append(entry)
    outcomes: Counter[str] = Counter()
    gate = asyncio.Semaphore(deps.policy.concurrency)
    finished: set[str] = set()

    async def run_group(group: list[OutboxEntry]) -> None:
        async with gate:
            for entry in group:
                if deps.stopping.is_set():
                    return  # shutting down: the rest go back to the outbox below
                outcomes[await _run_one(deps, runner, entry)] += 1
                finished.add(entry.key)

    try:
        await asyncio.gather(*(run_group(group) for group in groups.values()))
    finally:
        # Rows claimed but not finished (not started, or cut off by the stop's deadline)
        # are due again at once instead of waiting out their lease. Shielded: this runs
        # while the run is being cancelled. Their effects reconcile, so a half-done row
        # finishes on the next run without doing anything twice.
        unfinished = [entry.key for entry in entries if entry.key not in finished]
        if unfinished:
            await asyncio.shield(release_effects(uows=deps.uows, clock=deps.clock, keys=unfinished))
            outcomes["released"] += len(unfinished)
    return dict(outcomes)


async def _run_one(deps: FlowDeps, runner: Any, entry: OutboxEntry) -> str:
    """The task's outcome, or what the domain decides after its retries ran out."""
    try:
        result: EffectResult = await runner(entry)
    except Exception as exc:  # every failure is recorded on the row, none stops the batch
        result = await record_failure(
            uows=deps.uows, notifier=deps.notifier, clock=deps.clock, entry=entry, error=exc
        )
    return result.outcome
