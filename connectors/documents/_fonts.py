"""DejaVu Sans, cut once per process to the scripts invoices use, so each PDF embeds it fast.

matplotlib ships DejaVu Sans (regular and bold), which covers Latin, Greek, Cyrillic and
Arabic, so the product needs no system fonts. fpdf2 parses the whole TTF for every
document and subsets it again on output: with the full 740 KB files that was ~45 ms of a
~120 ms invoice. Cutting the files once to ~1,600 glyphs (OpenType layout kept, so Arabic
still shapes and joins) halves that; each document then subsets that cut to its own glyphs.
"""

from __future__ import annotations

import copy
import io
import shutil
import tempfile
import weakref
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

# What client names, descriptions and amounts are written in, as DejaVu covers it.
_RANGES = (
    (0x0020, 0x024F),  # Latin, Latin-1, Latin Extended-A/B
    (0x0300, 0x036F),  # combining diacritics
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # punctuation, spaces, bidi marks
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x214F),  # letterlike symbols (No., TM)
    (0x25CC, 0x25CC),  # dotted circle: HarfBuzz's base for a lone combining mark
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
)
_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "dejavu"


def _mpl_font_dir() -> Path:
    """matplotlib's bundled TTF folder, found without importing matplotlib (or pyplot)."""
    spec = find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("matplotlib is not installed: it ships the invoice fonts")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


@cache
def _cut(style: str) -> bytes:
    """One DejaVu style cut to `_RANGES`; hinting dropped, as PDF viewers do not use it."""
    font = TTFont(_mpl_font_dir() / _FILES[style], recalcTimestamp=False)
    # Glyph names kept: fpdf2 then reads them from `post` instead of rebuilding them per document.
    options = subset.Options(
        layout_features=["*"], name_IDs=["*"], notdef_outline=True, glyph_names=True
    )
    options.hinting = False
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[cp for low, high in _RANGES for cp in range(low, high + 1)])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class FontCache:
    """The cut fonts, parsed once; each document gets a light copy with its own subset.

    fpdf2's `add_font` reads a font from a file and parses it for every document (8 ms per
    font with the cut), and on output subsets that parse in place. So the cut is parsed
    once here and each document gets a copy of fpdf2's font object that shares the parsed
    metrics and the HarfBuzz face (read only while drawing) but has its own glyph subset,
    and a fresh parse to cut down when the document is written out. This is the one place
    that knows fpdf2's `TTFFont` fields; the tests render through it.
    """

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="samia-fonts-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, ignore_errors=True)
        loader = FPDF()
        self._cuts: dict[str, bytes] = {}
        for style, name in _FILES.items():
            path = self._dir / name
            path.write_bytes(_cut(style))
            loader.add_font(FAMILY, style, path)
            self._cuts[f"{FAMILY}{style}"] = _cut(style)
        self._templates = [font for font in loader.fonts.values() if isinstance(font, TTFFont)]
        for font in self._templates:
            _ = font.hbfont  # the HarfBuzz face, loaded once and shared
            # Drawing still reads glyph names and advances: from memory, not an open file.
            font.ttfont.close()
            font.ttfont = TTFont(io.BytesIO(self._cuts[font.fontkey]), recalcTimestamp=False)

    def install(self, pdf: FPDF) -> None:
        """Make DejaVu (regular "" and bold "B", family `FAMILY`) available in `pdf`."""
        for template in self._templates:
            font = copy.copy(template)
            font.i = len(pdf.fonts) + 1
            font.subset = SubsetMap(font)
            font.missing_glyphs = []
            font.biggest_size_pt = 0
            pdf.fonts[template.fontkey] = font

    def before_output(self, pdf: FPDF) -> None:
        """Give each font a fresh parse for fpdf2 to subset in place, sparing the shared one."""
        for key, cut in self._cuts.items():
            font = pdf.fonts[key]
            if isinstance(font, TTFFont):
                # The cut's glyph boxes are right already: recomputing them on save was a
                # third of the output time.
                font.ttfont = TTFont(
                    io.BytesIO(cut), lazy=True, recalcTimestamp=False, recalcBBoxes=False
                )

    def close(self) -> None:
        """Remove the folder now rather than when the object is collected."""
        self._cleanup()
