"""Message catalogs: complete Arabic, matching placeholders, fallbacks, language negotiation."""

from __future__ import annotations

import gettext
import re
import shutil
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bots.language import (
    SUPPORTED_LANGUAGES,
    Intent,
    IntentKind,
    Msg,
    PluralMsg,
    Translator,
    negotiate_language,
    parse_intent,
    translator,
)
from bots.language.catalog import LOCALES_DIR
from bots.language.compile_catalogs import (
    code_message_ids,
    compile_all,
    po_path,
    read_catalog,
    stale,
    update_all,
)
from bots.language.formatting import FSI, PDI


def _catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as fp:
        return read_po(fp, locale=language)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's id or string as a tuple: one item, or one per plural form."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _key(message: Message) -> str:
    return _forms(message.id)[0]


class TestCatalogFiles:
    def test_both_languages_have_a_catalog(self) -> None:
        for language in SUPPORTED_LANGUAGES:
            assert po_path(language).exists()
            assert po_path(language).with_suffix(".mo").exists()

    def test_catalogs_hold_exactly_the_messages_the_code_sends(self) -> None:
        wanted = {m if isinstance(m, str) else m[0] for m in code_message_ids()}
        for language in SUPPORTED_LANGUAGES:
            assert {_key(m) for m in _messages(_catalog(language))} == wanted, language

    def test_every_english_message_has_a_non_empty_arabic_translation(self) -> None:
        arabic = {_key(m): m for m in _messages(_catalog("ar"))}
        for english in _messages(_catalog("en")):
            translated = arabic[_key(english)]
            forms = _forms(translated.string)
            assert all(form.strip() for form in forms), english.id
            assert not translated.fuzzy, english.id
            if re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", _key(english))):
                assert any(re.search("[\u0600-\u06ff]", form) for form in forms), english.id

    def test_arabic_has_six_plural_forms(self) -> None:
        catalog = _catalog("ar")
        assert catalog.num_plurals == 6
        for message in _messages(catalog):
            if message.pluralizable:
                assert len(_forms(message.string)) == 6, message.id

    def test_arabic_placeholders_match_the_english_ones(self) -> None:
        """Zero, one and two may drop the number ('دقيقتين'); nothing else may differ."""
        for message in _messages(_catalog("ar")):
            ids, forms = _forms(message.id), _forms(message.string)
            if not message.pluralizable:
                assert _placeholders(forms[0]) == _placeholders(ids[0]), message.id
                continue
            english = _placeholders(ids[0])
            assert english == _placeholders(ids[1])
            for index, form in enumerate(forms):
                missing = english - _placeholders(form)
                assert _placeholders(form) <= english, (message.id, index)
                assert len(missing) <= (1 if index <= 2 else 0), (message.id, index, missing)

    def test_english_placeholders_are_plain_names(self) -> None:
        for message_id in code_message_ids():
            for text in (message_id,) if isinstance(message_id, str) else message_id:
                for _, name, spec, conversion in string.Formatter().parse(text):
                    assert name is None or name.isidentifier(), text
                    assert not spec, text
                    assert not conversion, text

    def test_compiled_files_are_up_to_date(self) -> None:
        assert stale() == []


class TestCatalogWorkflow:
    @pytest.fixture
    def locales(self, tmp_path: Path) -> Path:
        shutil.copytree(LOCALES_DIR, tmp_path / "locales")
        return tmp_path / "locales"

    def test_update_adds_a_new_message_for_translation_and_compile_writes_it(
        self, locales: Path
    ) -> None:
        catalog = read_catalog("ar", locales)
        del catalog[Msg.DONE.value]
        with po_path("ar", locales).open("wb") as fp:
            write_po(fp, catalog, width=0)
        assert update_all(locales) == [po_path("ar", locales)]
        assert read_catalog("ar", locales)[Msg.DONE.value].string == ""
        assert read_catalog("en", locales)[Msg.DONE.value].string == Msg.DONE.value
        assert compile_all(locales)
        assert stale(locales) == []

    def test_a_changed_translation_makes_the_compiled_file_stale(self, locales: Path) -> None:
        po = po_path("ar", locales)
        po.write_text(po.read_text("utf-8").replace('msgstr "تم."', 'msgstr "انتهى."'), "utf-8")
        assert stale(locales) == [po.with_suffix(".mo")]


class TestTranslator:
    def test_english_and_arabic_load(self) -> None:
        assert translator("en").gettext(Msg.WHICH_DAY) == "Which day?"
        assert translator("ar").gettext(Msg.WHICH_DAY) == "أيّ يوم؟"

    def test_regional_locales_use_their_language(self) -> None:
        assert translator("ar_EG").language == "ar"
        assert translator("en-GB").language == "en"

    def test_unknown_locales_fall_back_to_english(self) -> None:
        assert translator("fr").gettext(Msg.WHICH_DAY) == "Which day?"
        assert translator(None).language == "en"

    def test_a_missing_message_shows_its_id_filled_in(self) -> None:
        assert translator("ar").gettext("Not in any catalog, {name}", name="٣") == (
            "Not in any catalog, ٣"
        )

    def test_placeholders_are_filled(self) -> None:
        text = translator("en").gettext(Msg.WELCOME, brand="Samia")
        assert text == "Welcome to Samia! I can book a reading for you."

    def test_a_missing_parameter_stays_visible_instead_of_failing(self) -> None:
        assert translator("en").gettext(Msg.MOVED) == "Moved to {when}."

    def test_a_broken_translation_falls_back_to_english(self) -> None:
        class Broken(gettext.NullTranslations):
            def gettext(self, message: str) -> str:
                return "{unclosed"

        assert Translator("en", Broken()).gettext(Msg.MOVED, when="Fri") == "Moved to Fri."

    def test_latin_values_are_isolated_in_arabic_only(self) -> None:
        arabic = translator("ar").gettext(Msg.LINKED, name="Samia")
        assert f"{FSI}Samia{PDI}" in arabic
        assert translator("en").gettext(Msg.LINKED, name="Samia") == (
            "Linked! You are now signed in as Samia."
        )
        assert FSI not in translator("ar").gettext(Msg.LINKED, name="سامية")

    @pytest.mark.parametrize(
        ("count", "expected"),
        [
            (0, "اليوم: لا جلسات"),
            (1, "اليوم: جلسة واحدة"),
            (2, "اليوم: جلستان"),
            (3, "اليوم: 3 جلسات"),
            (10, "اليوم: 10 جلسات"),
            (11, "اليوم: 11 جلسة"),
            (99, "اليوم: 99 جلسة"),
            (100, "اليوم: 100 جلسة"),
            (103, "اليوم: 103 جلسات"),
        ],
    )
    def test_arabic_plural_forms(self, count: int, expected: str) -> None:
        assert translator("ar").gettext(PluralMsg.TODAY_SESSIONS, count=count) == expected

    def test_eleven_to_ninety_nine_take_the_accusative_singular(self) -> None:
        assert "30 يومًا" in translator("ar").gettext(PluralMsg.TOO_FAR_AHEAD, days=30)
        assert "100 يوم." in translator("ar").gettext(PluralMsg.TOO_FAR_AHEAD, days=100)

    def test_english_plural_forms(self) -> None:
        t = translator("en")
        assert t.gettext(PluralMsg.TODAY_SESSIONS, count=1) == "Today: 1 session"
        assert t.gettext(PluralMsg.TODAY_SESSIONS, count=4) == "Today: 4 sessions"

    def test_the_plural_english_sentence_works_as_a_message_id(self) -> None:
        assert translator("ar").gettext("Today: {count} sessions", count=2) == "اليوم: جلستان"
        assert translator("en").gettext("Today: {count} sessions", count=1) == "Today: 1 session"

    def test_ngettext(self) -> None:
        t = translator("ar")
        text = t.ngettext(PluralMsg.HOLD.singular, PluralMsg.HOLD.plural, 2, minutes=2)
        assert text.endswith("لمدة دقيقتين.")


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (["ar_EG"], "ar"),
        (["ar-SA"], "ar"),
        (["AR"], "ar"),
        (["en-GB"], "en"),
        (["en_US.UTF-8"], "en"),
        ([None], "en"),
        ([], "en"),
        (["fr"], "en"),
        (["fr", "ar_AE"], "ar"),
        ([None, "", "ar"], "ar"),
        (["ar", "en"], "ar"),
        (["fr-CA,ar;q=0.8,en;q=0.5"], "ar"),
        (["en;q=0.3,ar;q=0.9"], "ar"),
        (["*"], "en"),
        (["zz-garbage"], "en"),
    ],
)
def test_negotiate_language(candidates: list[str | None], expected: str) -> None:
    assert negotiate_language(candidates) == expected


def _example(message: Msg, language: str) -> Intent:
    text = translator(language).gettext(message)
    found = re.search(r"'([^']+)' or|like '([^']+)'|«([^»]+)»", text)
    assert found is not None, text
    example = next(group for group in found.groups() if group)
    return parse_intent(
        example,
        now=datetime(2026, 11, 26, 10, tzinfo=UTC),
        client_zone="Europe/London",
        language_hint=language,
        reader_names=(),
    )


@pytest.mark.parametrize("message", [Msg.BAD_DATE, Msg.CLIENT_HELP_SHORT, Msg.WHICH_DAY_TYPE])
def test_examples_we_suggest_are_understood_alike_in_both_languages(message: Msg) -> None:
    """'Try tomorrow at 5pm' is only helpful if the parser reads what we suggest."""
    english, arabic = _example(message, "en"), _example(message, "ar")
    assert english.day is not None
    assert (english.kind, english.day, english.time_of_day) == (
        arabic.kind,
        arabic.day,
        arabic.time_of_day,
    )
    assert (english.language, arabic.language) == ("en", "ar")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize(
    ("label", "kind"),
    [
        (Msg.BOOK_A_READING, IntentKind.BOOK),
        (Msg.MY_BOOKINGS, IntentKind.MY_BOOKINGS),
        (Msg.HELP_BUTTON, IntentKind.HELP),
        (Msg.CANCEL, IntentKind.CANCEL),
        (Msg.CANCEL_BOOKING, IntentKind.CANCEL),
        (Msg.RESCHEDULE, IntentKind.RESCHEDULE),
        (Msg.START_OVER, IntentKind.START_OVER),
    ],
)
def test_a_menu_label_typed_back_means_what_the_button_does(
    language: str, label: Msg, kind: IntentKind
) -> None:
    """Messenger and Instagram quick replies arrive as their label's text."""
    intent = parse_intent(
        translator(language).gettext(label),
        now=datetime(2026, 11, 26, 10, tzinfo=UTC),
        client_zone="Europe/London",
        language_hint=language,
        reader_names=(),
    )
    assert intent.kind is kind
