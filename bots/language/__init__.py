"""The bots' language layer: English and Arabic messages, formatting and free-text intents.

- `translator(locale).gettext(Msg.WHICH_DAY)`: a message in the client's language;
- `negotiate_language([...])`: 'en' or 'ar' from what we know about the person;
- `format_money`, `format_when`, ...: numbers and dates as the locale writes them;
- `parse_intent(text, ...)`: what a typed message asks for.

Adding a message: add a member to `Msg` (or `PluralMsg`) in `messages.py`, run
``python -m bots.language.compile_catalogs --update`` (adds it to every .po: English
filled in, Arabic empty), write the Arabic in ``locales/ar/LC_MESSAGES/messages.po``,
then run ``python -m bots.language.compile_catalogs`` and commit the .po and .mo files.
The catalog tests fail while a translation is missing or its placeholders differ.
"""

from __future__ import annotations

from bots.language.catalog import (
    DEFAULT_LANGUAGE,
    SUPPORTED_LANGUAGES,
    Translator,
    negotiate_language,
    page_language,
    translator,
)
from bots.language.enums import DayPeriod, IntentKind
from bots.language.formatting import (
    bidi_isolate,
    format_day,
    format_money,
    format_time,
    format_weekday,
    format_when,
    format_zone,
    is_rtl,
)
from bots.language.intents import Intent, parse_intent, warm_up
from bots.language.messages import Msg, PluralMsg

__all__ = (
    "DEFAULT_LANGUAGE",
    "SUPPORTED_LANGUAGES",
    "DayPeriod",
    "Intent",
    "IntentKind",
    "Msg",
    "PluralMsg",
    "Translator",
    "bidi_isolate",
    "format_day",
    "format_money",
    "format_time",
    "format_weekday",
    "format_when",
    "format_zone",
    "is_rtl",
    "negotiate_language",
    "page_language",
    "parse_intent",
    "translator",
    "warm_up",
)
