"""A page drawn with fpdf2: text shaped, mirrored for RTL, and extractable in reading order.

Layout code works in logical coordinates: `x` runs from the start edge (left in English,
right in Arabic) and `align="start"` means where reading starts; the canvas mirrors boxes
for right-to-left documents.

Text is written so that pypdf reads it back in logical order ("الإجمالي 120.00 UK£",
not the visual "UK£ 120.00 الإجمالي"). pypdf reads a page in content order and reverses
each stretch of RTL characters, treating spaces and punctuation as belonging to whichever
stretch is open. So:

1. a line is split into bidi runs (UAX #9, fpdf2's implementation); each run is placed
   where the visual order puts it, but emitted in logical order and shaped by HarfBuzz in
   its own direction, so an RTL run's glyphs stay in visual order inside it;
2. spaces between runs become no-break spaces, which pypdf counts as left-to-right: a
   space would be swept into the Arabic run beside it and land on its far side;
3. an RTL run whose logical end is punctuation ("د.ك.", a final ".") would have that
   punctuation emitted first, while a left-to-right stretch is still open: a zero-width
   U+FEFF (which pypdf counts as Arabic) closes the run's end instead;
4. two cells drawn right to left on one line get a no-break space between them, or their
   words would run together.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from fpdf import FPDF
from fpdf.bidi import BidiParagraph
from fpdf.enums import MethodReturnValue, TextDirection

from connectors.documents._fonts import FAMILY, FontCache

Align = Literal["start", "end", "center"]
RGB = tuple[int, int, int]

_BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
_SEPARATOR = "\u00a0"
_SPACES = " \u00a0"
_ANCHOR = "\ufeff"
_WIDTHS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of one line in one direction: a bidi run's text, or the space between runs."""

    text: str
    level: int
    gap: bool = False

    @property
    def rtl(self) -> bool:
        """Odd embedding levels run right to left."""
        return self.level % 2 == 1

    @property
    def anchored(self) -> bool:
        """Whether the run ends (logically) in punctuation that needs an anchor (point 3)."""
        return self.rtl and not self.gap and unicodedata.bidirectional(self.text[-1]) not in "RAL"


class Measures:
    """Shaped string widths, shared by every document drawn with the same fonts."""

    def __init__(self) -> None:
        self._widths: dict[tuple[str, bool, float, bool], float] = {}

    def get(self, key: tuple[str, bool, float, bool]) -> float | None:
        """A width measured before, if any."""
        return self._widths.get(key)

    def put(self, key: tuple[str, bool, float, bool], width: float) -> None:
        """Keep a width; the table is emptied when full, as labels come back at once anyway."""
        if len(self._widths) >= _WIDTHS_KEPT:
            self._widths.clear()
        self._widths[key] = width


def _pieces(text: str, rtl: bool) -> list[Piece]:
    """The line's bidi runs in logical order, spaces between runs split off as gaps."""
    base = TextDirection.RTL if rtl else TextDirection.LTR
    runs: list[tuple[str, int]] = []
    paragraph = BidiParagraph(text.strip(), base_direction=base)
    for char in paragraph.get_characters_with_embedding_level():
        # Neighbouring levels of one direction (an isolated "20%" at level 2 after English
        # at 0) form one run: no run of the other direction lies between them to reorder.
        level = char.embedding_level
        if runs and runs[-1][1] % 2 == level % 2:
            runs[-1] = (runs[-1][0] + char.character, min(runs[-1][1], level))
        else:
            runs.append((char.character, level))
    runs = [(run.translate(_BIDI_MARKS), level) for run, level in runs]
    runs = [(run, level) for run, level in runs if run]
    pieces: list[Piece] = []
    for index, (run, level) in enumerate(runs):
        core = run
        lead = len(core) - len(core.lstrip(_SPACES)) if index else 0
        core = core[lead:]
        trail = len(core) - len(core.rstrip(_SPACES)) if index < len(runs) - 1 else 0
        core = core[: len(core) - trail]
        pieces.extend(
            piece
            for piece in (
                Piece(_SEPARATOR * lead, level, gap=True),
                Piece(core, level),
                Piece(_SEPARATOR * trail, level, gap=True),
            )
            if piece.text
        )
    return pieces


@dataclass(frozen=True, slots=True)
class _Placed:
    piece: Piece
    x: float
    width: float


def _visual_order(levels: Sequence[int]) -> list[int]:
    """Indexes of the pieces from left to right (UAX #9 rule L2, applied to whole runs)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min((level for level in levels if level % 2), default=max(levels) + 1)
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


class Canvas:
    """One document being drawn: A4 in millimetres, DejaVu embedded, mirrored when RTL."""

    def __init__(
        self, fonts: FontCache, measures: Measures, *, rtl: bool, language: str, created: datetime
    ) -> None:
        self.rtl = rtl
        self._measures = measures
        self._language = "ara" if rtl else "eng"
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.c_margin = 0
        fonts.install(pdf)
        pdf.set_lang(language)
        # The issue time, not the wall clock: the same invoice renders to the same bytes.
        pdf.set_creation_date(created)
        pdf.set_display_mode("fullwidth")
        self._pdf = pdf
        self._fonts = fonts
        self.width = pdf.w
        self.height = pdf.h
        self._last_line: tuple[int, float] | None = None
        self.new_page()

    @property
    def page(self) -> int:
        """The page being drawn on (1-based)."""
        return self._pdf.page

    @property
    def pages(self) -> int:
        """How many pages the document has so far."""
        return self._pdf.pages_count

    def new_page(self) -> None:
        """Start a page; the layout decides when."""
        self._pdf.add_page()

    def go_to_page(self, page: int) -> None:
        """Draw on an earlier page again (footers go on once the page count is known)."""
        self._pdf.page = page
        self._last_line = None

    def set_info(self, *, title: str, author: str, subject: str) -> None:
        """The PDF's document properties, as viewers and mail clients list them."""
        self._pdf.set_title(title)
        self._pdf.set_author(author)
        self._pdf.set_subject(subject)
        self._pdf.set_creator("Samia hub")

    def _box_x(self, x: float, w: float) -> float:
        """The physical left edge of a box whose logical start is `x`."""
        return self.width - x - w if self.rtl else x

    def _font(self, size: float, bold: bool, color: RGB) -> None:
        self._pdf.set_font(FAMILY, "B" if bold else "", size)
        self._pdf.set_text_color(*color)

    def _shaping(self, rtl: bool) -> None:
        # The script is left to HarfBuzz's guess per run: forcing "arab" on a Latin run
        # (a name, an amount) would push it through the Arabic shaper.
        self._pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr", language=self._language)

    def _measure(self, text: str, rtl: bool, size: float, bold: bool) -> float:
        key = (text, rtl, size, bold)
        width = self._measures.get(key)
        if width is None:
            self._shaping(rtl)
            width = self._pdf.get_string_width(text)
            self._measures.put(key, width)
        return width

    def width_of(self, text: str, *, size: float, bold: bool = False) -> float:
        """How wide a line of text is, as it would be drawn."""
        self._font(size, bold, (0, 0, 0))
        return sum(self._widths(_pieces(text, self.rtl), size, bold))

    def _widths(self, pieces: Sequence[Piece], size: float, bold: bool) -> list[float]:
        return [self._measure(piece.text, piece.rtl, size, bold) for piece in pieces]

    def wrap(self, text: str, w: float, *, size: float, bold: bool = False) -> list[str]:
        """The text broken into lines no wider than `w` (fpdf2's line breaking, shaped)."""
        if "\n" not in text and self.width_of(text, size=size, bold=bold) <= w:
            return [text]  # most descriptions: fpdf2's line breaking is the slow part
        self._font(size, bold, (0, 0, 0))
        self._shaping(self.rtl)
        lines = self._pdf.multi_cell(
            w, 1, text, dry_run=True, output=MethodReturnValue.LINES, padding=0
        )
        # With output=LINES fpdf2 returns the list of lines; its union return type cannot say so.
        assert isinstance(lines, list)
        return [str(line) for line in lines] or [""]

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        *,
        size: float,
        bold: bool = False,
        color: RGB = (0, 0, 0),
        align: Align = "start",
        fit: bool = False,
    ) -> None:
        """One line of text in the box (logical x), vertically centred.

        `fit` shrinks the size until the line fits the box, down to 70 %.
        """
        pieces = _pieces(text, self.rtl)
        if not pieces:
            return
        self._font(size, bold, color)
        widths = self._widths(pieces, size, bold)
        if fit and sum(widths) > w:
            size = max(size * 0.7, size * w / sum(widths))
            self._font(size, bold, color)
            widths = self._widths(pieces, size, bold)
        left, total = self._box_x(x, w), sum(widths)
        flush_right = (align == "start") == self.rtl if align != "center" else None
        if flush_right is None:
            cursor = left + (w - total) / 2
        else:
            cursor = left + w - total if flush_right else left
        placed: list[_Placed] = [_Placed(piece, 0.0, 0.0) for piece in pieces]
        for index in _visual_order([piece.level for piece in pieces]):
            placed[index] = _Placed(pieces[index], cursor, widths[index])
            cursor += widths[index]
        self._separate(y, h, cursor, size, bold)
        for item in placed:  # logical order: what extraction reads back
            text = item.piece.text + _ANCHOR if item.piece.anchored else item.piece.text
            self._emit(text, item.piece.rtl, item.x, item.width, y, h)

    def _separate(self, y: float, h: float, right: float, size: float, bold: bool) -> None:
        """A no-break space before a cell that follows another on the same line (point 4)."""
        here = (self.page, round(y + h / 2, 1))
        if self.rtl and self._last_line == here:
            gap = self._measure(_SEPARATOR, False, size, bold)
            self._emit(_SEPARATOR, False, right, gap, y, h)
        self._last_line = here

    def _emit(self, text: str, rtl: bool, x: float, width: float, y: float, h: float) -> None:
        self._shaping(rtl)
        self._pdf.set_xy(x, y)
        self._pdf.cell(width, h, text)

    def rect(self, x: float, y: float, w: float, h: float, color: RGB) -> None:
        """A filled box (logical x)."""
        self._pdf.set_fill_color(*color)
        self._pdf.rect(self._box_x(x, w), y, w, h, style="F")

    def rule(self, x: float, y: float, w: float, *, color: RGB, thickness: float = 0.2) -> None:
        """A horizontal line (logical x)."""
        self._pdf.set_draw_color(*color)
        self._pdf.set_line_width(thickness)
        left = self._box_x(x, w)
        self._pdf.line(left, y, left + w, y)

    def dot(self, x: float, y: float, radius: float, color: RGB) -> None:
        """A small filled circle centred at (x, y), logical x: a separator that is not text."""
        self._pdf.set_fill_color(*color)
        centre = self.width - x if self.rtl else x
        self._pdf.circle(centre, y, radius, style="F")

    def image(self, png: bytes, x: float, y: float, w: float, h: float) -> None:
        """A PNG in the box (logical x)."""
        self._pdf.image(io.BytesIO(png), x=self._box_x(x, w), y=y, w=w, h=h)

    def output(self) -> bytes:
        """The finished PDF."""
        self._fonts.before_output(self._pdf)
        return bytes(self._pdf.output())
