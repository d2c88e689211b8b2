"""The segment rule language: good rules become typed trees, bad ones a clear error."""

from __future__ import annotations

import pytest

from domain.crm.segment_rules import (
    AllOf,
    AnyOf,
    Condition,
    Field,
    Op,
    from_definition,
    to_definition,
)
from domain.crm.segments import (
    LIBRARY,
    SegmentRuleError,
    describe_rule,
    library_segment,
    parse_rule,
)


def test_a_compound_rule_parses_into_and_of_its_conditions() -> None:
    assert parse_rule("no booking in 60 days and sessions >= 3") == AllOf(
        (Condition(Field.NO_BOOKING_DAYS, Op.EQ, 60), Condition(Field.SESSIONS, Op.GE, 3))
    )


def test_and_binds_tighter_than_or_and_parentheses_override_it() -> None:
    assert parse_rule("country ae or language ar and rated 5") == AnyOf(
        (
            Condition(Field.COUNTRY, Op.EQ, "AE"),
            AllOf((Condition(Field.LANGUAGE, Op.EQ, "ar"), Condition(Field.RATED, Op.EQ, 5))),
        )
    )
    assert parse_rule("(country AE or language ar) and rated 5") == AllOf(
        (
            AnyOf((Condition(Field.COUNTRY, Op.EQ, "AE"), Condition(Field.LANGUAGE, Op.EQ, "ar"))),
            Condition(Field.RATED, Op.EQ, 5),
        )
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bought package", Condition(Field.BOUGHT_PACKAGE)),
        ("birthday this month", Condition(Field.BIRTHDAY_MONTH)),
        ("first session in last 14 days", Condition(Field.FIRST_SESSION_DAYS, Op.EQ, 14)),
        ("spent >= 100", Condition(Field.SPENT, Op.GE, 100)),
        ("sessions<2", Condition(Field.SESSIONS, Op.LT, 2)),
        ("Sessions 3", Condition(Field.SESSIONS, Op.GE, 3)),
        ("rated >= 4", Condition(Field.RATED, Op.GE, 4)),
    ],
)
def test_each_condition_in_english(text: str, expected: Condition) -> None:
    assert parse_rule(text) == expected


def test_arabic_keywords_and_digits_give_the_same_rule_as_english() -> None:
    assert parse_rule("لا حجز منذ ٦٠ يوما و جلسات >= ٣") == parse_rule(
        "no booking in 60 days and sessions >= 3"
    )
    assert parse_rule("البلد AE أو اشترى باقة") == parse_rule("country AE or bought package")
    assert parse_rule("عيد ميلاده هذا الشهر") == parse_rule("birthday this month")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the rule is empty"),
        ("sessions >= 3 and", "ends where a condition was expected"),
        ("vip clients", "unknown condition 'vip clients' at character 1"),
        ("sessions >= 3 andd rated 5", "unexpected 'andd rated 5' at character 15"),
        ("(country AE or rated 5", "missing ')'"),
        ("rated 6", "stars must be 1 to 5"),
        ("no booking in 0 days", "days must be between 1 and 3650"),
        ("country AE )", "unexpected ')' at character 12"),
    ],
)
def test_a_bad_rule_says_what_is_wrong_and_where(text: str, message: str) -> None:
    with pytest.raises(SegmentRuleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_rule(text)
    assert issubclass(SegmentRuleError, ValueError)


def test_the_stored_definition_reads_back_as_the_same_rule() -> None:
    rule = parse_rule("(country AE or language ar) and spent >= 100 or bought package")
    assert from_definition(to_definition(rule)) == rule


def test_describe_in_both_languages() -> None:
    rule = parse_rule("no booking in 60 days and sessions >= 3")
    assert describe_rule(rule, "en") == "no booking in the last 60 days and sessions >= 3"
    assert describe_rule(rule, "ar") == "لا حجز في آخر 60 يومًا و الجلسات >= 3"


def test_every_library_segment_parses_and_is_found_by_key_or_either_name() -> None:
    assert {"lapsed", "five_stars", "package_buyers", "birthday_month", "new_clients",
            "country_ae", "vip"} <= set(LIBRARY)  # fmt: skip
    for segment in LIBRARY.values():
        parse_rule(segment.rule_text)
        assert library_segment(segment.key) is segment
        assert library_segment(segment.name_en.upper()) is segment
        assert library_segment(segment.name_ar) is segment
    assert LIBRARY["lapsed"].rule_text == "no booking in 60 days and sessions >= 3"
    assert LIBRARY["vip"].rule_text == "sessions >= 10"


@pytest.mark.parametrize(
    ("everyday", "written"),
    [
        (
            "no booking in 60 days and at least 3 sessions",
            "no booking in 60 days and sessions >= 3",
        ),
        ("more than 2 sessions", "sessions > 2"),
        ("fewer than 4 sessions", "sessions < 4"),
        ("على الأقل 3 جلسات", "جلسات >= 3"),
    ],
)
def test_everyday_session_counts_read_as_the_rule_language(everyday: str, written: str) -> None:
    assert parse_rule(everyday) == parse_rule(written)
