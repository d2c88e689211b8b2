"""Zones the availability tests use: DST in both hemispheres, a 30-minute shift, none at all."""

from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
DUBAI = ZoneInfo("Asia/Dubai")
AUCKLAND = ZoneInfo("Pacific/Auckland")
SANTIAGO = ZoneInfo("America/Santiago")  # switches at midnight
