"""Rule-based client segments: a library of ready ones, saved ones, and their counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from uuid import UUID

from domain.clock import Clock
from domain.crm.segment_rules import (
    SegmentRule,
    SegmentRuleError,
    describe_rule,
    from_definition,
    parse_rule,
    to_definition,
)
from domain.ports.storage import UnitOfWork


@dataclass(frozen=True, slots=True)
class LibrarySegment:
    """A ready-made segment every reader can use by its key or name."""

    key: str
    name_en: str
    name_ar: str
    rule_text: str

    def name(self, language: str) -> str:
        """Its name in the reader's language."""
        return self.name_ar if language.startswith("ar") else self.name_en


@dataclass(frozen=True, slots=True)
class ResolvedSegment:
    """A segment ready to count or send to: saved (`segment_id`) or from the library."""

    name: str
    rule_text: str
    rule: SegmentRule
    segment_id: UUID | None = None
    library_key: str | None = None


LIBRARY: Mapping[str, LibrarySegment] = MappingProxyType(
    {
        s.key: s
        for s in (
            LibrarySegment(
                "lapsed", "Lapsed clients", "عملاء منقطعون",
                "no booking in 60 days and sessions >= 3",
            ),
            LibrarySegment("five_stars", "Five-star raters", "من قيّموا بخمس نجوم", "rated 5"),
            LibrarySegment("package_buyers", "Package buyers", "مشترو الباقات", "bought package"),
            LibrarySegment(
                "birthday_month", "Birthdays this month", "أعياد الميلاد هذا الشهر",
                "birthday this month",
            ),
            LibrarySegment(
                "new_clients", "New clients", "عملاء جدد", "first session in last 14 days"
            ),
            LibrarySegment("country_ae", "Clients in the UAE", "عملاء في الإمارات", "country AE"),
            LibrarySegment("vip", "VIP clients", "كبار العملاء", "sessions >= 10"),
        )
    }
)  # fmt: skip


def library_segment(name: str) -> LibrarySegment | None:
    """A library segment by key, or by its English or Arabic name."""
    wanted = " ".join(name.split()).casefold()
    for segment in LIBRARY.values():
        if wanted in {segment.key, segment.name_en.casefold(), segment.name_ar.casefold()}:
            return segment
    return None


def _from_library(segment: LibrarySegment) -> ResolvedSegment:
    return ResolvedSegment(
        segment.name_en, segment.rule_text, parse_rule(segment.rule_text), None, segment.key
    )


async def resolve_segment(
    *, uow: UnitOfWork, reader_id: UUID | None, name: str
) -> ResolvedSegment | None:
    """A saved segment by name first, else a library key or name in either language."""
    async with uow:
        saved = await uow.segments.get(reader_id=reader_id, name=name.strip())
    if saved is not None:
        return ResolvedSegment(
            saved.name, saved.rule_text, from_definition(saved.definition), saved.id
        )
    found = library_segment(name)
    return _from_library(found) if found else None


async def list_segments(*, uow: UnitOfWork, reader_id: UUID | None) -> list[ResolvedSegment]:
    """The library, then the owner's saved segments."""
    async with uow:
        saved = await uow.segments.list(reader_id=reader_id)
    return [_from_library(s) for s in LIBRARY.values()] + [
        ResolvedSegment(s.name, s.rule_text, from_definition(s.definition), s.id) for s in saved
    ]


async def save_segment(
    *, uow: UnitOfWork, clock: Clock, reader_id: UUID | None, name: str, rule_text: str
) -> ResolvedSegment:
    """Parse, then save under the name (a bad rule raises `SegmentRuleError`, nothing saved)."""
    rule = parse_rule(rule_text)
    clean = " ".join(name.split())
    if not clean or len(clean) > 200:
        raise SegmentRuleError("a segment needs a name of 1 to 200 characters")
    if library_segment(clean) is not None:
        raise SegmentRuleError(f"{clean!r} is a library segment's name: choose another")
    text = " ".join(rule_text.split())
    async with uow:
        saved = await uow.segments.save(
            reader_id=reader_id,
            name=clean,
            rule_text=text,
            definition=to_definition(rule),
            now=clock.now(),
        )
        await uow.commit()
    return ResolvedSegment(saved.name, saved.rule_text, rule, saved.id)


async def segment_count(
    *,
    uow: UnitOfWork,
    clock: Clock,
    reader_id: UUID | None,
    rule: SegmentRule,
    marketing_only: bool,
) -> int:
    """How many clients the rule selects now, counted in one SQL statement."""
    async with uow:
        return await uow.segments.count(
            reader_id=reader_id, rule=rule, now=clock.now(), marketing_only=marketing_only
        )


__all__ = (
    "LIBRARY",
    "LibrarySegment",
    "ResolvedSegment",
    "SegmentRule",
    "SegmentRuleError",
    "describe_rule",
    "library_segment",
    "list_segments",
    "parse_rule",
    "resolve_segment",
    "save_segment",
    "segment_count",
)
