"""Telegram: python-telegram-bot without its updater; updates arrive on our own route.

PTB 22 warns when code reads an int `retry_after`; opting into timedeltas (as PTB 23 will
do by default) keeps the warning, which the test suite turns into an error, away.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")
