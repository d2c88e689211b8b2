"""Chart PNGs read back as pixels: size, brand colours, mirrored Arabic layout, shaping."""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from connectors.charts import MatplotlibChartRenderer
from connectors.charts._layout import Sheet
from connectors.charts._style import DEFAULT_PRIMARY, axis_labels, with_unit
from domain.analytics.charts import (
    BarChart,
    ChartSpec,
    Funnel,
    FunnelStep,
    Heatmap,
    LineChart,
    Series,
)
from domain.ports.charts import ChartRenderer

PRIMARY, ACCENT = "#0f5257", "#e0a458"
PNG = b"\x89PNG\r\n\x1a\n"
WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def line(language: str, *, zero: bool = False, **style: Any) -> LineChart:
    arabic = language == "ar"
    weeks = [f"{d} {'نوفمبر' if arabic else 'Nov'}" for d in (2, 9, 16, 23, 30)]
    values = [0.0] * 5 if zero else [820.0, 910.5, 760.0, 1200.0, 1340.0]
    last_year = [0.0] * 5 if zero else [700.0, 780.0, 810.0, 900.0, 950.0]
    return LineChart(
        title="الإيرادات الأسبوعية" if arabic else "Weekly revenue",
        subtitle="آخر 5 أسابيع" if arabic else "Last 5 weeks",
        x_labels=tuple(weeks),
        series=(Series("هذا العام" if arabic else "This year", tuple(values)),
                Series("العام الماضي" if arabic else "Last year", tuple(last_year))),
        unit="د.إ" if arabic else "£",
        language=language,
        **style,
    )  # fmt: skip


def bar(language: str, *, zero: bool = False, **style: Any) -> BarChart:
    arabic = language == "ar"
    labels = (
        ("قراءة الحب", "قراءة مهنية", "دردشة سريعة")
        if arabic
        else ("Love reading", "Career reading", "Quick chat reading")
    )
    return BarChart(
        title="الإيرادات حسب الخدمة" if arabic else "Revenue by service",
        labels=labels,
        values=(0.0, 0.0, 0.0) if zero else (1840.0, 1260.0, 450.0),
        unit="£",
        language=language,
        **style,
    )


def ratings(language: str, *, zero: bool = False, **style: Any) -> BarChart:
    counts = (0, 0, 0, 0, 0) if zero else (2, 3, 9, 34, 80)
    title = "التقييمات" if language == "ar" else "Ratings"
    return BarChart.ratings(title=title, counts=counts, language=language, **style)


def heatmap(language: str, *, zero: bool = False, **style: Any) -> Heatmap:
    matrix = tuple(
        tuple(0.0 if zero else float((d * 7 + h) % 10 if 10 <= h <= 21 else 0) for h in range(24))
        for d in range(7)
    )
    return Heatmap(
        title="ساعات الذروة" if language == "ar" else "Peak hours",
        row_labels=WEEKDAYS[language],
        column_labels=tuple(f"{h:02d}" for h in range(24)),
        matrix=matrix,
        language=language,
        **style,
    )


def funnel(language: str, *, zero: bool = False, **style: Any) -> Funnel:
    arabic = language == "ar"
    names = ("بدأ الحجز", "اختار موعدا", "أكد") if arabic else ("Started", "Picked a time", "Paid")
    counts = (0, 0, 0) if zero else (1240, 760, 388)
    return Funnel(
        title="مسار الحجز" if arabic else "Booking funnel",
        steps=tuple(FunnelStep(n, c) for n, c in zip(names, counts, strict=True)),
        language=language,
        **style,
    )


KINDS: dict[str, Callable[..., ChartSpec]] = {
    "line": line,
    "bar": bar,
    "ratings": ratings,
    "heatmap": heatmap,
    "funnel": funnel,
}


@pytest.fixture(scope="module")
def renderer() -> ChartRenderer:
    return MatplotlibChartRenderer()


def picture(png: bytes) -> Image.Image:
    assert png.startswith(PNG)
    return Image.open(io.BytesIO(png)).convert("RGB")


def pixels_of(image: Image.Image, colour: str) -> int:
    wanted = rgb(colour)
    counts = image.getcolors(image.width * image.height) or []
    return sum(n for n, c in counts if c == wanted)


def ink_columns(image: Image.Image, top: int, bottom: int) -> tuple[int, int]:
    """Leftmost and rightmost column with dark pixels between two rows (the title band)."""
    band = image.crop((0, top, image.width, bottom)).convert("L").point(lambda v: v < 100)
    box = band.getbbox()
    assert box is not None, "nothing dark in that band"
    return box[0], box[2]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_chart_is_a_phone_sized_png_in_the_readers_primary_colour(
    renderer: ChartRenderer, kind: str, language: str
) -> None:
    spec = KINDS[kind](language, primary_color=PRIMARY, accent_color=ACCENT)

    image = picture(renderer.render(spec))

    assert image.size == (1000, 600)
    # Bars, lines, the funnel's first step and the heatmap's busiest cells are solid primary.
    assert pixels_of(image, PRIMARY) > 1500


def test_the_second_line_is_drawn_in_the_accent_colour(renderer: ChartRenderer) -> None:
    image = picture(renderer.render(line("en", primary_color=PRIMARY, accent_color=ACCENT)))

    assert pixels_of(image, ACCENT) > 500


def test_a_reader_without_usable_colours_gets_the_default_palette(renderer: ChartRenderer) -> None:
    image = picture(renderer.render(bar("en", primary_color="not a colour")))

    assert pixels_of(image, DEFAULT_PRIMARY) > 1500


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_all_zero_figures_draw_an_empty_chart_instead_of_failing(
    renderer: ChartRenderer, kind: str, language: str
) -> None:
    image = picture(renderer.render(KINDS[kind](language, zero=True)))

    assert image.size == (1000, 600)


def test_the_title_starts_on_the_reading_side(renderer: ChartRenderer) -> None:
    english = picture(renderer.render(bar("en")))
    arabic = picture(renderer.render(bar("ar")))

    left, _ = ink_columns(english, 15, 70)
    _, right = ink_columns(arabic, 15, 70)
    assert left < 60
    assert right > 940


def test_arabic_bars_grow_from_the_right_with_their_labels_on_the_right(
    renderer: ChartRenderer,
) -> None:
    def bar_columns(language: str) -> tuple[int, int]:
        image = picture(renderer.render(bar(language, primary_color=PRIMARY, horizontal=True)))
        solid = numpy.all(numpy.asarray(image) == rgb(PRIMARY), axis=2)
        columns = numpy.flatnonzero(solid.any(axis=0))
        return int(columns[0]), int(columns[-1])

    en_left, en_right = bar_columns("en")
    ar_left, ar_right = bar_columns("ar")
    # The labels take the side the bars start from: the left in English, the right in Arabic.
    assert en_left > 150
    assert ar_right < 850
    assert en_right > 700
    assert ar_left < 300


def test_arabic_labels_are_shaped_into_joined_letters() -> None:
    figure = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(figure)
    sheet = Sheet(figure, bar("ar"))

    joined = sheet.width(["بببب"])
    isolated = sheet.width(["\ufe8f" * 4])  # ARABIC LETTER BEH ISOLATED FORM, four times

    assert joined < isolated * 0.8


def test_the_same_chart_gives_the_same_bytes_from_several_threads_at_once(
    renderer: ChartRenderer,
) -> None:
    specs = [KINDS[kind](language) for kind in sorted(KINDS) for language in ("en", "ar")]
    alone = [renderer.render(spec) for spec in specs]

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(renderer.render, specs * 2))

    assert together == alone * 2


def test_an_unknown_chart_kind_is_refused(renderer: ChartRenderer) -> None:
    with pytest.raises(TypeError):
        renderer.render("a pie, please")  # type: ignore[arg-type]


def test_axis_ticks_share_one_scale_and_a_currency_symbol_follows_the_sign() -> None:
    assert axis_labels([0, 3000, 6000, 9000, 12000]) == ["0", "3k", "6k", "9k", "12k"]
    assert axis_labels([0, 0.25, 0.5]) == ["0", "0.25", "0.50"]
    assert axis_labels([0, 400, 800, 1200]) == ["0", "400", "800", "1,200"]
    assert with_unit("-340", "£") == "-£340"
    assert with_unit("1,200", "AED") == "1,200 AED"
