"""Which of our two languages a person's own words are in, from the script alone.

For someone we know nothing about, their words say more than a channel's default locale
(Telegram reports the app's language, a browser may send none). Arabic and English are
told apart by their alphabets, so counting letters is enough and costs microseconds.
"""

from __future__ import annotations

__all__ = ("language_of_text",)

# Arabic, Arabic Supplement, Arabic Extended-A, and the presentation forms.
_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                  (0xFE70, 0xFEFF))  # fmt: skip


def _is_arabic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _ARABIC_RANGES)


def language_of_text(text: str | None) -> str | None:
    """ "ar" or "en" by which alphabet has more letters; None when there are no letters.

    Mixed text ("book Samia غدا") goes to the alphabet of most of its letters, so an
    English sentence with one Arabic word stays English and the reverse stays Arabic.
    """
    if not text or text.lstrip().startswith("/"):  # a command is not a sentence
        return None
    arabic = latin = 0
    for char in text:
        if not char.isalpha():
            continue
        if _is_arabic(char):
            arabic += 1
        elif char.isascii():
            latin += 1
    if arabic == latin == 0:
        return None
    return "ar" if arabic > latin else "en"
