"""Garbage collector settings for the long-running processes (web server, flows worker)."""

from __future__ import annotations

import gc


def keep_full_collections_rare() -> None:
    """Keep full garbage collections, which stall every webhook acknowledgement, rare.

    Measured with bench/webhook_ingest.py: a full collection of a started hub's ~400k
    objects pauses the event loop for 150-280 ms, and with the default thresholds one ran
    every few seconds under load. What start-up built lives as long as the process, so it
    is frozen out of the scans; the thresholds make the young generations absorb the
    short-lived garbage of each request and turn (full collections every few minutes).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)
