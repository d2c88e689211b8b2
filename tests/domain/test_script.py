"""Telling a new person's language from their own words."""

from __future__ import annotations

import pytest

from domain.script import language_of_text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("أريد حجز قراءة تاروت", "ar"),
        ("I would like a tarot reading", "en"),
        ("book Samia غدا", "en"),
        ("احجز مع Samia غدا الساعة 5", "ar"),
        ("/start", None),
        ("12:30 5/12", None),
        ("", None),
        (None, None),
    ],
)
def test_the_alphabet_of_most_letters_names_the_language(text: str | None, language: str) -> None:
    assert language_of_text(text) == language
