"""The segment rule language: typed text parsed into a small AST, never evaluated as code.

Grammar (English or Arabic keywords, case-insensitive)::

    rule      := or_expr
    or_expr   := and_expr ("or" | "أو" and_expr)*
    and_expr  := atom ("and" | "و" atom)*
    atom      := "(" rule ")" | condition

Conditions: `no booking in 60 days`, `sessions >= 3`, `rated 5`, `bought package`,
`birthday this month`, `country AE`, `first session in last 14 days`, `language ar`,
`spent >= 100` (major units of the reader's currency).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


class SegmentRuleError(ValueError):
    """A rule that does not parse; the message says what was wrong and where."""


class Field(StrEnum):
    """What one condition looks at."""

    NO_BOOKING_DAYS = "no_booking_days"
    SESSIONS = "sessions"
    RATED = "rated"
    BOUGHT_PACKAGE = "bought_package"
    BIRTHDAY_MONTH = "birthday_month"
    COUNTRY = "country"
    FIRST_SESSION_DAYS = "first_session_days"
    LANGUAGE = "language"
    SPENT = "spent"


class Op(StrEnum):
    """Comparisons a count or an amount takes."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "="

    def holds(self, left: int, right: int) -> bool:
        """Whether `left op right` (used for 'does zero match?')."""
        return {
            Op.GE: left >= right,
            Op.GT: left > right,
            Op.LE: left <= right,
            Op.LT: left < right,
            Op.EQ: left == right,
        }[self]


@dataclass(frozen=True, slots=True)
class Condition:
    """One test on a client; `value` is days, a count, stars, a code or an amount."""

    field: Field
    op: Op = Op.EQ
    value: int | str | None = None


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part holds."""

    parts: tuple[SegmentRule, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[SegmentRule, ...]


SegmentRule = Condition | AllOf | AnyOf

_NUM = r"(\d+)"
_DAYS = r"\s*(?:days?|يوما|يومًا|يوم|أيام)?"
_NO_BOOKING = r"(?:no bookings? in|لا حجز منذ|لا حجز في|بدون حجز منذ)"
_FIRST = r"(?:first session in(?: the)? last|أول جلسة في آخر|أول جلسة خلال آخر)"
_BIRTHDAY = r"(?:birthday this month|عيد ميلاده هذا الشهر|عيد الميلاد هذا الشهر)"
_OP = r"(>=|<=|=>|=<|>|<|=|==|≥|≤)?"
# (pattern, field, how the match becomes a condition); Arabic forms beside English ones.
_CONDITIONS: tuple[tuple[re.Pattern[str], Field], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), field)
    for pattern, field in (
        (rf"{_NO_BOOKING}\s+{_NUM}{_DAYS}", Field.NO_BOOKING_DAYS),
        (rf"{_FIRST}\s+{_NUM}{_DAYS}", Field.FIRST_SESSION_DAYS),
        (rf"(?:sessions|جلسات|الجلسات)\s*{_OP}\s*{_NUM}", Field.SESSIONS),
        (rf"(?:spent|أنفق|الإنفاق|انفق)\s*{_OP}\s*{_NUM}", Field.SPENT),
        (rf"(?:rated|قيم|قيّم|تقييم)\s*{_OP}\s*{_NUM}", Field.RATED),
        (r"(?:bought package|bought a package|اشترى باقة|اشترى باقه)", Field.BOUGHT_PACKAGE),
        (_BIRTHDAY, Field.BIRTHDAY_MONTH),
        (r"(?:country|البلد|الدولة)\s+([a-z]{2})\b", Field.COUNTRY),
        (r"(?:language|اللغة)\s+([a-z]{2})\b", Field.LANGUAGE),
    )
)  # fmt: skip
# Everyday phrasings of a session count, as the rule language writes them.
_SESSIONS = r"(?:sessions?|جلسات|جلسة)"
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), written)
    for pattern, written in (
        (rf"\bat least (\d+) {_SESSIONS}", r"sessions >= \1"),
        (rf"\bat most (\d+) {_SESSIONS}", r"sessions <= \1"),
        (rf"\bmore than (\d+) {_SESSIONS}", r"sessions > \1"),
        (rf"\b(?:fewer|less) than (\d+) {_SESSIONS}", r"sessions < \1"),
        (rf"(?:على الأقل|على الاقل) (\d+) {_SESSIONS}", r"جلسات >= \1"),
        (rf"(\d+) {_SESSIONS} (?:على الأقل|على الاقل)", r"جلسات >= \1"),
        (rf"(?:أكثر|اكثر) من (\d+) {_SESSIONS}", r"جلسات > \1"),
    )
)
_AND = re.compile(r"(?:and|و)(?=\s|\(|$)", re.IGNORECASE)
_OR = re.compile(r"(?:or|أو|او)(?=\s|\(|$)", re.IGNORECASE)
_OPS = {"=>": Op.GE, "=<": Op.LE, "==": Op.EQ, "≥": Op.GE, "≤": Op.LE}


def parse_rule(text: str) -> SegmentRule:
    """The rule as a typed tree; anything unknown raises `SegmentRuleError`."""
    source = " ".join(text.translate(_DIGITS).split())
    for phrase, written in _PHRASES:  # "at least 3 sessions" is "sessions >= 3"
        source = phrase.sub(written, source)
    if not source:
        raise SegmentRuleError("the rule is empty: write a condition such as 'sessions >= 3'")
    parser = _Parser(source)
    rule = parser.or_expr()
    parser.skip()
    if parser.pos < len(source):
        raise SegmentRuleError(f"unexpected {parser.rest()!r} at character {parser.pos + 1}")
    return rule


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def skip(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos] == " ":
            self.pos += 1

    def rest(self) -> str:
        return self.source[self.pos : self.pos + 20]

    def word(self, pattern: re.Pattern[str]) -> bool:
        self.skip()
        if match := pattern.match(self.source, self.pos):
            self.pos = match.end()
            return True
        return False

    def or_expr(self) -> SegmentRule:
        parts = [self.and_expr()]
        while self.word(_OR):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def and_expr(self) -> SegmentRule:
        parts = [self.atom()]
        while self.word(_AND):
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def atom(self) -> SegmentRule:
        self.skip()
        if self.pos >= len(self.source):
            raise SegmentRuleError("the rule ends where a condition was expected")
        if self.source[self.pos] == "(":
            self.pos += 1
            inner = self.or_expr()
            self.skip()
            if self.pos >= len(self.source) or self.source[self.pos] != ")":
                raise SegmentRuleError(f"missing ')' for the '(' before character {self.pos + 1}")
            self.pos += 1
            return inner
        for pattern, field in _CONDITIONS:
            if match := pattern.match(self.source, self.pos):
                self.pos = match.end()
                return _condition(field, match.groups(), self.pos)
        raise SegmentRuleError(f"unknown condition {self.rest()!r} at character {self.pos + 1}")


def _condition(field: Field, groups: tuple[str | None, ...], pos: int) -> Condition:
    """A matched condition with its value checked."""
    if field in {Field.COUNTRY, Field.LANGUAGE}:
        code = str(groups[0])
        return Condition(field, Op.EQ, code.upper() if field is Field.COUNTRY else code.lower())
    if field is Field.BOUGHT_PACKAGE or field is Field.BIRTHDAY_MONTH:
        return Condition(field)
    if field in {Field.NO_BOOKING_DAYS, Field.FIRST_SESSION_DAYS}:
        days = int(str(groups[0]))
        if not 1 <= days <= 3650:
            raise SegmentRuleError(f"days must be between 1 and 3650 (before character {pos})")
        return Condition(field, Op.EQ, days)
    symbol, number = groups[0], int(str(groups[1]))
    op = (
        _OPS.get(symbol or "", Op(symbol)) if symbol else (Op.EQ if field is Field.RATED else Op.GE)
    )
    if field is Field.RATED and not 1 <= number <= 5:
        raise SegmentRuleError(f"stars must be 1 to 5, not {number} (before character {pos})")
    return Condition(field, op, number)


def to_definition(rule: SegmentRule) -> dict[str, Any]:
    """The tree as JSON for `segments.definition`."""
    if isinstance(rule, Condition):
        return {"field": rule.field.value, "op": rule.op.value, "value": rule.value}
    kind = "all" if isinstance(rule, AllOf) else "any"
    return {kind: [to_definition(part) for part in rule.parts]}


def from_definition(data: dict[str, Any]) -> SegmentRule:
    """A stored tree back as the AST."""
    if "all" in data:
        return AllOf(tuple(from_definition(part) for part in data["all"]))
    if "any" in data:
        return AnyOf(tuple(from_definition(part) for part in data["any"]))
    return Condition(Field(data["field"]), Op(data["op"]), data.get("value"))


_WORDS: dict[str, dict[Field, str]] = {
    "en": {
        Field.NO_BOOKING_DAYS: "no booking in the last {value} days",
        Field.FIRST_SESSION_DAYS: "first session in the last {value} days",
        Field.SESSIONS: "sessions {op} {value}",
        Field.SPENT: "spent {op} {value}",
        Field.RATED: "rated {op} {value} stars",
        Field.BOUGHT_PACKAGE: "bought a package",
        Field.BIRTHDAY_MONTH: "birthday this month",
        Field.COUNTRY: "country {value}",
        Field.LANGUAGE: "language {value}",
    },
    "ar": {
        Field.NO_BOOKING_DAYS: "لا حجز في آخر {value} يومًا",
        Field.FIRST_SESSION_DAYS: "أول جلسة في آخر {value} يومًا",
        Field.SESSIONS: "الجلسات {op} {value}",
        Field.SPENT: "الإنفاق {op} {value}",
        Field.RATED: "التقييم {op} {value} نجوم",
        Field.BOUGHT_PACKAGE: "اشترى باقة",
        Field.BIRTHDAY_MONTH: "عيد ميلاده هذا الشهر",
        Field.COUNTRY: "البلد {value}",
        Field.LANGUAGE: "اللغة {value}",
    },
}
_JOINERS = {"en": (" and ", " or "), "ar": (" و ", " أو ")}


def describe_rule(rule: SegmentRule, language: str) -> str:
    """The rule in plain words of `language` (English unless Arabic)."""
    lang = "ar" if language.startswith("ar") else "en"
    if isinstance(rule, Condition):
        return _WORDS[lang][rule.field].format(op=rule.op.value, value=rule.value)
    joiner = _JOINERS[lang][0 if isinstance(rule, AllOf) else 1]
    words = [
        f"({describe_rule(p, lang)})" if not isinstance(p, Condition) else describe_rule(p, lang)
        for p in rule.parts
    ]
    return joiner.join(words)


__all__ = (
    "AllOf",
    "AnyOf",
    "Condition",
    "Field",
    "Op",
    "SegmentRule",
    "SegmentRuleError",
    "describe_rule",
    "from_definition",
    "parse_rule",
    "to_definition",
)
