"""Translated bot messages: pick a supported language, then look messages up in its catalog."""

from __future__ import annotations

import functools
import gettext
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from bots.language.formatting import bidi_isolate, is_rtl
from bots.language.messages import PluralMsg

logger = logging.getLogger(__name__)

SUPPORTED_LANGUAGES: Final = ("en", "ar")
DEFAULT_LANGUAGE: Final = "en"
LOCALES_DIR: Final = Path(__file__).resolve().parent / "locales"
DOMAIN: Final = "messages"

_PLURAL_BY_TEXT: Final = {p.plural: p for p in PluralMsg} | {p.singular: p for p in PluralMsg}


def _language_tags(candidate: str | None) -> list[str]:
    """Tags of one candidate, best first: 'ar_EG', 'ar-SA' or 'fr-CA,ar;q=0.8,en;q=0.5'."""
    if not candidate:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(candidate.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        # POSIX locales look like "ar_EG.UTF-8@latin"; only the tag before "." and "@" counts.
        tag = tag.split(".")[0].split("@")[0].strip().replace("_", "-").lower()
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def page_language(home_languages: Sequence[str], accept_language: str | None) -> str:
    """A reader's page opens in the reader's first language unless the browser asks otherwise.

    "Otherwise" means the browser names another supported language and not the reader's:
    a visitor whose browser lists the reader's language anywhere reads it.
    """
    home = negotiate_language(list(home_languages[:1]))
    asked = [
        tag.split("-")[0]
        for tag in _language_tags(accept_language)
        if tag.split("-")[0] in SUPPORTED_LANGUAGES
    ]
    return home if not asked or home in asked else asked[0]


def negotiate_language(candidates: Sequence[str | None]) -> str:
    """The first supported language among candidates (best first), else English.

    Candidates are what we know about the person, most specific first: a language
    they chose, the language of their message, the channel's locale ("ar_EG", "en-GB",
    an Accept-Language header). Unknown or missing values are skipped.
    """
    for candidate in candidates:
        for tag in _language_tags(candidate):
            primary = tag.split("-")[0]
            if primary in SUPPORTED_LANGUAGES:
                return primary
    return DEFAULT_LANGUAGE


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language, falling back to English, then to the msgid."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    translations: gettext.NullTranslations
    try:
        with path.open("rb") as fp:
            translations = gettext.GNUTranslations(fp)
    except FileNotFoundError:
        logger.warning("no compiled catalog at %s; showing message ids", path)
        translations = gettext.NullTranslations()
    if language != DEFAULT_LANGUAGE:
        translations.add_fallback(_translations(DEFAULT_LANGUAGE))
    return translations


class _KeepMissing(dict[str, object]):
    """Leaves an unknown `{placeholder}` visible instead of failing the whole reply."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Translator:
    """Messages of one language, with placeholders filled in and made safe for its direction."""

    __slots__ = ("_rtl", "_translations", "language")

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        """Wrap a loaded catalog; use `translator(locale)` rather than building one."""
        self.language = language
        self._translations = translations
        self._rtl = is_rtl(language)

    @property
    def rtl(self) -> bool:
        """Whether replies in this language are written right to left."""
        return self._rtl

    def gettext(self, message: str | PluralMsg, **params: object) -> str:
        """The translated message with `{placeholders}` filled from params.

        Args:
            message: a `Msg` (or its English text) or a `PluralMsg`. For a plural message
                the form is chosen by the parameter named by `PluralMsg.count`; its
                English text (either form) works too.
            **params: placeholder values. In a right-to-left language every value with
                left-to-right text (names, emails, prices, references) is isolated.

        Returns:
            The message; English if the language lacks it, the msgid if English does too.
        """
        plural = message if isinstance(message, PluralMsg) else _PLURAL_BY_TEXT.get(message)
        if plural is not None and isinstance(params.get(plural.count), int):
            count = params[plural.count]
            assert isinstance(count, int)
            return self.ngettext(plural.singular, plural.plural, count, **params)
        text = str(message.singular if isinstance(message, PluralMsg) else message)
        return self._format(self._translations.gettext(text), text, params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The form of a plural message for `n`, with placeholders filled from params."""
        english = singular if n == 1 else plural
        return self._format(self._translations.ngettext(singular, plural, n), english, params)

    def _format(self, template: str, english: str, params: Mapping[str, object]) -> str:
        """Fill placeholders; a broken translation falls back to English, never to an error."""
        values = _KeepMissing(
            {
                key: bidi_isolate(value, self.language)
                if self._rtl and isinstance(value, str)
                else value
                for key, value in params.items()
            }
        )
        for candidate in (template, english):
            try:
                return candidate.format_map(values)
            except (ValueError, IndexError, AttributeError, TypeError, KeyError):
                logger.warning("cannot fill message %r in %s", candidate, self.language)
        return english

    def __repr__(self) -> str:
        """Show the language, which is all that tells two translators apart."""
        return f"Translator({self.language!r})"


@functools.cache
def _translator(language: str) -> Translator:
    """One translator per supported language."""
    return Translator(language, _translations(language))


def translator(locale: str | None) -> Translator:
    """The translator for a locale such as 'ar', 'ar_EG' or 'en-GB'; English if unsupported."""
    return _translator(negotiate_language([locale]))
