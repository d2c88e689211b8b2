"""Money, dates and times as each locale writes them, and bidi isolation for Arabic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

import pytest

from bots.language import (
    bidi_isolate,
    format_day,
    format_money,
    format_time,
    format_weekday,
    format_when,
    format_zone,
    is_rtl,
)
from bots.language.formatting import FSI, PDI

RLM = "\u200f"
NBSP = "\xa0"


class TestMoney:
    @pytest.mark.parametrize(
        ("amount_minor", "currency", "english", "arabic"),
        [
            (123456, "USD", "$1,234.56", f"{RLM}1,234.56{NBSP}US$"),
            (123456, "EUR", "€1,234.56", f"{RLM}1,234.56{NBSP}€"),
            (123456, "GBP", "£1,234.56", f"{RLM}1,234.56{NBSP}UK£"),
            (123456, "JPY", "¥123,456", f"{RLM}123,456{NBSP}JP¥"),
            (123456, "KWD", "KWD123.456", f"{RLM}123.456{NBSP}د.ك.{RLM}"),
            (123456, "AED", "AED1,234.56", f"{RLM}1,234.56{NBSP}د.إ.{RLM}"),
            (123456, "EGP", "EGP1,234.56", f"{RLM}1,234.56{NBSP}ج.م.{RLM}"),
        ],
    )
    def test_each_currency_in_english_and_arabic(
        self, amount_minor: int, currency: str, english: str, arabic: str
    ) -> None:
        assert format_money(amount_minor, currency, "en") == english
        assert format_money(amount_minor, currency, "ar") == arabic

    @pytest.mark.parametrize(
        ("amount_minor", "currency", "digits"),
        [(1, "KWD", "0.001"), (1, "USD", "0.01"), (1, "JPY", "1"), (5, "EUR", "0.05")],
    )
    def test_the_smallest_unit_is_exact(
        self, amount_minor: int, currency: str, digits: str
    ) -> None:
        assert digits in format_money(amount_minor, currency, "en")

    def test_large_amounts_never_lose_a_cent_to_floats(self) -> None:
        assert "90,071,992,547,409.93" in format_money(9_007_199_254_740_993, "USD", "en")

    def test_regional_english_keeps_its_conventions(self) -> None:
        assert format_money(1250, "USD", "en_GB") == "US$12.50"

    def test_unsupported_locales_format_as_english(self) -> None:
        assert format_money(1250, "USD", "fr") == "$12.50"

    def test_negative_amounts_for_refunds(self) -> None:
        assert format_money(-1250, "GBP", "en") == "-£12.50"

    def test_lowercase_code_is_accepted_and_garbage_refused(self) -> None:
        assert format_money(1250, "usd", "en") == "$12.50"
        with pytest.raises(ValueError, match="currency"):
            format_money(1250, "dollars", "en")


class TestWhen:
    def test_english_and_arabic(self) -> None:
        instant = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
        assert format_when(instant, "Europe/London", "en") == "Fri 27 Nov, 17:00"
        assert format_when(instant, "Europe/London", "ar") == "الجمعة 27 نوفمبر، 17:00"
        assert format_when(instant, "Asia/Dubai", "en") == "Fri 27 Nov, 21:00"

    def test_across_the_spring_dst_change_the_same_utc_hour_moves_on_the_wall_clock(self) -> None:
        before = datetime(2026, 3, 28, 17, 0, tzinfo=UTC)
        after = before + timedelta(days=1)
        assert format_when(before, "Europe/London", "en") == "Sat 28 Mar, 17:00"
        assert format_when(after, "Europe/London", "en") == "Sun 29 Mar, 18:00"
        assert format_when(after, "Europe/London", "ar") == "الأحد 29 مارس، 18:00"

    def test_across_the_autumn_dst_change_in_new_york(self) -> None:
        edt = datetime(2026, 10, 31, 21, 0, tzinfo=UTC)
        est = datetime(2026, 11, 1, 22, 0, tzinfo=UTC)
        assert format_when(edt, "America/New_York", "en") == "Sat 31 Oct, 17:00"
        assert format_when(est, "America/New_York", "en") == "Sun 1 Nov, 17:00"

    def test_the_repeated_hour_shows_the_same_wall_time_twice(self) -> None:
        first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        second = first + timedelta(hours=1)
        assert format_time(first, "Europe/London", "en") == "01:30"
        assert format_time(second, "Europe/London", "en") == "01:30"

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            format_when(datetime(2026, 11, 27, 17, 0), "Europe/London", "en")  # noqa: DTZ001

    def test_unknown_zones_are_refused(self) -> None:
        with pytest.raises(ZoneInfoNotFoundError):
            format_when(datetime(2026, 11, 27, 17, 0, tzinfo=UTC), "Mars/Olympus", "en")


class TestDayTimeWeekdayZone:
    def test_day(self) -> None:
        assert format_day(date(2026, 11, 27), "en") == "Fri 27 Nov"
        assert format_day(date(2026, 11, 27), "ar") == "الجمعة 27 نوفمبر"

    def test_time_is_24_hour_with_latin_digits(self) -> None:
        instant = datetime(2026, 11, 27, 8, 5, tzinfo=UTC)
        assert format_time(instant, "Asia/Dubai", "en") == "12:05"
        assert format_time(instant, "Asia/Dubai", "ar") == "12:05"

    @pytest.mark.parametrize(
        ("index", "english", "arabic"),
        [(0, "Monday", "الاثنين"), (4, "Friday", "الجمعة"), (6, "Sunday", "الأحد")],
    )
    def test_weekday_uses_pythons_monday_first_index(
        self, index: int, english: str, arabic: str
    ) -> None:
        assert format_weekday(index, "en") == english
        assert format_weekday(index, "ar") == arabic
        assert format_weekday(date(2026, 11, 27).weekday(), "en") == "Friday"

    def test_weekday_widths_and_range(self) -> None:
        assert format_weekday(0, "en", width="abbreviated") == "Mon"
        with pytest.raises(ValueError, match=r"0\.\.6"):
            format_weekday(7, "en")

    def test_zone_names(self) -> None:
        assert format_zone("Europe/London", "en") == "United Kingdom Time"
        assert format_zone("Asia/Dubai", "ar") == "توقيت الإمارات العربية المتحدة"


class TestBidi:
    def test_rtl_locales(self) -> None:
        assert is_rtl("ar")
        assert is_rtl("ar-EG")
        assert is_rtl("ar_SA")
        assert not is_rtl("en")
        assert not is_rtl("not-a-locale")

    def test_latin_fragments_in_arabic_are_isolated(self) -> None:
        text = "أرسلنا التأكيد إلى sam@example.com. الرقم المرجعي: SAM-7F3K"
        assert bidi_isolate(text, "ar") == (
            f"أرسلنا التأكيد إلى {FSI}sam@example.com{PDI}. الرقم المرجعي: {FSI}SAM-7F3K{PDI}"
        )

    def test_a_price_with_its_latin_symbol_is_one_unit(self) -> None:
        price = format_money(1250, "USD", "ar")
        assert bidi_isolate(f"بسعر {price}.", "ar") == f"بسعر {RLM}{FSI}12.50{NBSP}US${PDI}."

    def test_multi_word_names_stay_together(self) -> None:
        assert bidi_isolate("مع Nour Haddad غدًا", "ar") == f"مع {FSI}Nour Haddad{PDI} غدًا"

    def test_plain_digits_and_arabic_text_are_left_alone(self) -> None:
        text = "الجمعة 27 نوفمبر، 17:00 - 10:00-18:00"
        assert bidi_isolate(text, "ar") == text

    def test_english_text_is_unchanged(self) -> None:
        assert bidi_isolate("Booked with Samia, ref SAM-1", "en") == "Booked with Samia, ref SAM-1"

    def test_isolating_twice_changes_nothing(self) -> None:
        once = bidi_isolate("الرقم المرجعي: SAM-7F3K", "ar")
        assert bidi_isolate(once, "ar") == once
