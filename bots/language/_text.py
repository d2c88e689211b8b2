"""Text normalisation, script and language detection, and reader-name matching for intents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

_DIGITS: Final = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Harakat, Quranic marks and tatweel carry no meaning for matching; neither do bidi controls.
_IGNORED: Final = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
# Spellings people use interchangeably: hamza seats, alef maqsura, ta marbuta, Persian keyboards.
_LETTERS: Final = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ی": "ي",
        "ک": "ك",
        "؟": "?",
        "،": ",",
        "؛": ";",
        "’": "'",
    }
)
_SPACES: Final = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold text for matching: NFKC, ASCII digits, no harakat, one alef, casefolded."""
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    text = _IGNORED.sub("", text).translate(_LETTERS).casefold()
    return _SPACES.sub(" ", text).strip()


def is_arabic_char(char: str) -> bool:
    """Whether a character is an Arabic-script letter."""
    code = ord(char)
    return 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF


def _is_latin_letter(char: str) -> bool:
    """Whether a character is a Latin letter (accented ones included)."""
    return char.isalpha() and (char.isascii() or 0x00C0 <= ord(char) <= 0x024F)


def script_counts(text: str) -> tuple[int, int, int]:
    """How many Arabic, Latin and other-script letters a text has."""
    arabic = latin = other = 0
    for char in text:
        if not char.isalpha():
            continue
        if is_arabic_char(char):
            arabic += 1
        elif _is_latin_letter(char):
            latin += 1
        else:
            other += 1
    return arabic, latin, other


# Words that make a Latin-script message English, and words typical of the languages
# clients most often try instead. Words shared with English ("la", "die", "tag") are left out.
_ENGLISH_WORDS: Final = (
    "a an the i i'm i'd me my you your is are am be can could would will want like please "
    "book booking bookings reading readings session sessions appointment cancel reschedule "
    "help hi hello hey thanks thank yes no ok okay with on at for to and or next this "
    "today tomorrow tonight morning afternoon evening night time day week what when how "
    "monday tuesday wednesday thursday friday saturday sunday am pm start over menu "
    "january february march april may june july august september october november december "
    "good change move tarot love career free slot slots more other another back confirm "
    "in of it do have any need get sorry sure great not there days weeks week instead "
    "from after before until later earlier early late then now soon see show "
    "jan feb apr jun jul aug sep sept oct nov dec mon tue tues thu thur thurs fri"
)
_ENGLISH: Final = frozenset(_ENGLISH_WORDS.split())
_FOREIGN: Final = {
    "fr": "je voudrais veux une lecture bonjour merci réserver reserver rendez-vous demain "
    "s'il plaît plait vous avec pour avez est pas oui salut aujourd'hui annuler",
    "es": "quiero quisiera reservar hola una lectura gracias mañana manana por favor cita "
    "con para buenos días dias sí puedo tengo hoy cancelar ¿ ¡",
    "de": "ich möchte mochte eine buchen hallo danke morgen bitte termin mit und guten "
    "nicht heute lesung stornieren können",
    "it": "vorrei prenotare ciao grazie domani lettura buongiorno posso appuntamento oggi",
    "pt": "quero gostaria olá ola obrigado obrigada amanhã amanha leitura uma bom dia "
    "marcar consulta hoje",
    "tr": "merhaba istiyorum randevu teşekkürler tesekkurler yarın yarin bugün lütfen",
}
_FOREIGN_WORDS: Final = {
    lang: frozenset(words.split()) - _ENGLISH for lang, words in _FOREIGN.items()
}
_WORD: Final = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|[¿¡]")


@dataclass(frozen=True, slots=True)
class Detected:
    """What the script and vocabulary of a message say about its language."""

    language: str | None
    unsupported: bool


def detect_language(text: str, hint: str | None = None) -> Detected:
    """'ar' if Arabic script dominates, 'en' if the Latin text reads as English.

    Latin text whose words are mostly French, Spanish, German, Italian, Portuguese or
    Turkish, and text mostly in another script (Cyrillic, Hebrew, CJK, ...), is flagged
    unsupported. Anything else (digits, a lone name, "ok?") is undecided: None. A lone
    foreign word ("merci") from someone whose language we know (`hint`) is not enough.
    """
    arabic, latin, other = script_counts(text)
    if other > arabic + latin:
        return Detected(None, True)
    if arabic and arabic >= latin:
        return Detected("ar", False)
    if not latin:
        return Detected(None, False)
    words = _WORD.findall(text.casefold())
    english = sum(word in _ENGLISH for word in words)
    foreign = max(sum(word in vocab for word in words) for vocab in _FOREIGN_WORDS.values())
    if foreign > english:
        return Detected(None, foreign >= 2 or hint not in ("en", "ar"))
    if english:
        return Detected("en", False)
    return Detected(None, False)


# --- Arabic clitics ----------------------------------------------------------------------

_CONJUNCTIONS: Final = ("و", "ف")
_PREPOSITIONS: Final = ("ب", "ل", "ك")


def arabic_forms(token: str) -> Iterator[str]:
    """A token and what is left after dropping leading 'و/ف', 'ب/ل/ك' and 'ال'.

    'والإلغاء' yields itself, 'الالغاء' and 'الغاء'; matching any of them against a keyword
    list finds the word whatever particles are glued to it.
    """
    yield token
    stems = [token]
    for prefixes in (_CONJUNCTIONS, _PREPOSITIONS):
        stems += [s[1:] for s in stems if len(s) > 3 and s.startswith(prefixes)]
    for stem in stems:
        if stem is not token:
            yield stem
        # 'ال' needs a stem left after it; 'لل' is 'ل' + 'ال' with the alef dropped.
        if (len(stem) > 4 and stem.startswith("ال")) or (len(stem) > 3 and stem.startswith("لل")):
            yield stem[2:]


def token_forms(tokens: Iterable[str]) -> frozenset[str]:
    """Every form of every token, for keyword membership tests."""
    return frozenset(form for token in tokens for form in arabic_forms(token))


# --- Reader names ------------------------------------------------------------------------

# Consonant skeletons let 'سامية' find the reader 'Samia' and 'Layla' find 'ليلى': long
# vowels and their letters (ا و ي ى ة, a e i o u w y) are dropped, similar sounds merge.
_AR_SKELETON: Final = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "K", "د": "d", "ذ": "d",
    "ر": "r", "ز": "z", "س": "s", "ش": "S", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "G", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}  # fmt: skip
_LATIN_DIGRAPHS: Final = (
    ("kh", "K"), ("sh", "S"), ("gh", "G"), ("ch", "S"), ("th", "t"), ("dh", "d"), ("ph", "f"),
    ("q", "k"), ("c", "k"), ("x", "ks"),
)  # fmt: skip
_LATIN_DROPPED: Final = frozenset("aeiouwy'-")


def skeleton(word: str) -> str:
    """The consonant skeleton of a one-word name in Arabic or Latin script."""
    if _is_arabic(word):
        if word.endswith("ه"):  # ta marbuta, folded to ha by normalize()
            word = word[:-1]
        letters = [_AR_SKELETON.get(c, "") for c in word]
    else:
        folded = unicodedata.normalize("NFKD", word.casefold())
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        if folded.endswith("h") and len(folded) > 3:  # Sarah / سارة
            folded = folded[:-1]
        for pair, sound in _LATIN_DIGRAPHS:
            folded = folded.replace(pair, sound)
        letters = ["" if c in _LATIN_DROPPED else c for c in folded]
    # Doubled letters ('Hassan', shadda already stripped) count once; 'Layla' keeps both
    # l's because a vowel ("" here) separates them.
    out = [c for i, c in enumerate(letters) if c and (i == 0 or letters[i - 1] != c)]
    return "".join(out)


_NAME_CONTEXT: Final = frozenset({"with", "مع", "عند", "لدي", "وياه", "ويا"})


def _is_arabic(word: str) -> bool:
    """Whether a word is written in Arabic script."""
    return any(is_arabic_char(c) for c in word)


def _whole_word(name: str, text: str) -> bool:
    """Whether `name` occurs in `text` as whole words (Arabic: with one clitic letter)."""
    clitic = "[وفبلك]?" if _is_arabic(name) else ""
    return re.search(rf"(?<!\w){clitic}{re.escape(name)}(?!\w)", text) is not None


def match_reader(text: str, reader_names: Sequence[str]) -> str | None:
    """The reader a normalised message names, as spelled in `reader_names`, or None.

    Tries the full name, then a first name that only one reader has, then (for a word
    after 'with'/'مع', or a one-word message) the consonant skeleton, so a
    name typed in the other script still matches. Ambiguous matches give None.
    """
    names = [(name, normalize(name)) for name in reader_names if name.strip()]
    full = [(len(n), name) for name, n in names if _whole_word(n, text)]
    if full:
        return max(full)[1]
    firsts = [(name, n.split()[0]) for name, n in names if len(n.split()) > 1]
    first_hits = {name for name, first in firsts if len(first) >= 3 and _whole_word(first, text)}
    if len(first_hits) == 1:
        return first_hits.pop()
    tokens = re.findall(r"\w+", text)
    # Only across scripts: within one script the spellings above already decided, and
    # skeletons of ordinary words ('some' ~ 'Samia') would match. Words with the article
    # ('الليلة' ~ 'Layla') are not names.
    candidates = {
        (skeleton(tokens[i]), _is_arabic(tokens[i]))
        for i in range(len(tokens))
        if (len(tokens) == 1 or (i > 0 and tokens[i - 1] in _NAME_CONTEXT))
        and len(tokens[i]) >= 3
        and not tokens[i].startswith("ال")
    }
    hits = {
        name
        for name, n in names
        if len(sk := skeleton(n.split()[0])) >= 2 and (sk, not _is_arabic(n)) in candidates
    }
    return hits.pop() if len(hits) == 1 else None
