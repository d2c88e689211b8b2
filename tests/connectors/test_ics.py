"""The reader's ICS feed: RFC 5545 structure, CRLF, 75-octet folding, TEXT escaping."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from connectors.calendar.ics import IcsEvent, escape_text, fold_line, render_ics

BOOKING = uuid.UUID("6f1c2a52-9d7e-4b8a-8d1e-0c5a7b2e9f10")
START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


def booking(**changes: object) -> IcsEvent:
    fields: dict[str, object] = {
        "booking_id": BOOKING,
        "summary": "Tarot: Celtic cross",
        "starts_at": START,
        "ends_at": START + timedelta(minutes=45),
        "updated_at": datetime(2031, 2, 1, 8, 30, tzinfo=UTC),
        "description": "Bring one question",
        "url": "https://samia.example/b/6f1c2a52",
    }
    fields.update(changes)
    return IcsEvent(**fields)  # type: ignore[arg-type]


def unfold(text: str) -> list[str]:
    """Undo folding (CRLF + one space) and split into content lines."""
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def properties(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in unfold(text):
        name, _, value = line.partition(":")
        found.setdefault(name, []).append(value)
    return found


def test_the_feed_is_one_vcalendar_with_one_vevent_per_booking() -> None:
    text = render_ics("Samia", [booking(), booking(booking_id=uuid.uuid4())])
    lines = unfold(text)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Samia hub//Bookings//EN"]
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2


def test_every_line_ends_with_crlf_and_no_bare_newline_remains() -> None:
    text = render_ics("Samia", [booking(description="line one\nline two\r\nthree")])
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")


def test_event_properties_use_utc_and_our_uid() -> None:
    found = properties(render_ics("Samia", [booking()]))
    assert found["UID"] == [f"{BOOKING}@samia-hub"]
    assert found["DTSTART"] == ["20310303T100000Z"]
    assert found["DTEND"] == ["20310303T104500Z"]
    assert found["DTSTAMP"] == ["20310201T083000Z"]
    assert found["STATUS"] == ["CONFIRMED"]
    assert found["URL"] == ["https://samia.example/b/6f1c2a52"]


def test_times_in_other_zones_are_written_in_utc() -> None:
    paris_winter = timezone(timedelta(hours=1))
    found = properties(render_ics("Samia", [booking(starts_at=START.astimezone(paris_winter))]))
    assert found["DTSTART"] == ["20310303T100000Z"]


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_ics("Samia", [booking(starts_at=datetime(2031, 3, 3, 10, 0))])  # noqa: DTZ001


def test_a_cancelled_booking_stays_in_the_feed_as_cancelled() -> None:
    found = properties(render_ics("Samia", [booking(cancelled=True, sequence=2)]))
    assert found["STATUS"] == ["CANCELLED"]
    assert found["SEQUENCE"] == ["2"]


def test_text_escapes_backslash_semicolon_comma_and_newlines() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_escaped_text_round_trips_through_a_reader() -> None:
    tricky = "Love; money, career\\path\nSecond line: ok"
    found = properties(render_ics("Rosa, the Seer; tarot", [booking(summary=tricky)]))
    assert unescape(found["SUMMARY"][0]) == tricky
    assert unescape(found["X-WR-CALNAME"][0]) == "Rosa, the Seer; tarot"


def test_long_lines_fold_at_75_octets_and_unfold_to_the_original() -> None:
    description = "The querent asks about the coming year. " * 20
    text = render_ics("Samia", [booking(description=description)])
    physical = text.split("\r\n")[:-1]
    assert max(len(line.encode()) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)
    assert unescape(properties(text)["DESCRIPTION"][0]) == description


def test_folding_never_splits_a_multibyte_character() -> None:
    line = "SUMMARY:" + "Étoile ✨ Lune 🌙 " * 12
    folded = fold_line(line)
    for physical in folded.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
        physical.encode("utf-8").decode("utf-8")  # each piece is whole characters
    assert folded.replace("\r\n ", "") == line


def test_a_line_of_exactly_75_octets_is_not_folded() -> None:
    line = "X" * 75
    assert fold_line(line) == line
    assert fold_line(line + "Y") == line + "\r\n Y"


def test_control_characters_are_dropped_from_text_and_urls() -> None:
    found = properties(
        render_ics("Samia", [booking(summary="bell\x07 here", url="https://x.example/\r\nEVIL:1")])
    )
    assert found["SUMMARY"] == ["bell here"]
    assert found["URL"] == ["https://x.example/EVIL:1"]
    assert "EVIL" not in found
