"""Chart specs are frozen, checked data: a mismatch is refused where the spec is built."""

from __future__ import annotations

import dataclasses
import math

import pytest

from domain.analytics.charts import (
    BarChart,
    Funnel,
    FunnelStep,
    Heatmap,
    LineChart,
    Series,
    is_rtl,
)


def test_a_spec_built_from_lists_is_frozen_and_hashable() -> None:
    chart = LineChart(title="Revenue", x_labels=["W1", "W2"], series=[Series("GBP", [1, 2.5])])  # type: ignore[arg-type]

    assert chart.x_labels == ("W1", "W2")
    assert chart.series[0].values == (1.0, 2.5)
    assert hash(chart) == hash(LineChart(title="Revenue", x_labels=("W1", "W2"),
                                         series=(Series("GBP", (1.0, 2.5)),)))  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.title = "Other"  # type: ignore[misc]


def test_a_series_needs_a_value_for_every_period() -> None:
    with pytest.raises(ValueError, match="2 values for 3 x labels"):
        LineChart(title="t", x_labels=("a", "b", "c"), series=(Series("s", (1.0, 2.0)),))


def test_values_that_are_not_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        BarChart(title="t", labels=("a",), values=(math.nan,))


def test_bars_and_their_value_labels_pair_up() -> None:
    with pytest.raises(ValueError, match="1 value labels for 2 bars"):
        BarChart(title="t", labels=("a", "b"), values=(1.0, 2.0), value_labels=("£1",))


def test_ratings_are_five_bars_from_one_star_to_five() -> None:
    chart = BarChart.ratings(title="Ratings", counts=(1, 0, 2, 5, 9), language="ar")

    assert chart.labels == ("1 ★", "2 ★", "3 ★", "4 ★", "5 ★")
    assert chart.values == (1.0, 0.0, 2.0, 5.0, 9.0)
    assert chart.rtl
    with pytest.raises(ValueError, match="five counts"):
        BarChart.ratings(title="Ratings", counts=(1, 2, 3))


def test_a_heatmap_matrix_has_the_shape_of_its_labels() -> None:
    with pytest.raises(ValueError, match="every matrix row needs 3 values"):
        Heatmap(title="t", row_labels=("Mon",), column_labels=("9", "10", "11"), matrix=((1, 2),))
    with pytest.raises(ValueError, match="1 matrix rows for 2 row labels"):
        Heatmap(title="t", row_labels=("Mon", "Tue"), column_labels=("9",), matrix=((1,),))


def test_a_funnel_has_steps_and_no_negative_counts() -> None:
    with pytest.raises(ValueError, match="at least one step"):
        Funnel(title="t", steps=())
    with pytest.raises(ValueError, match="negative"):
        FunnelStep("Paid", -1)


@pytest.mark.parametrize(("tag", "rtl"), [("ar", True), ("ar-AE", True), ("ar_EG", True),
                                           ("en", False), ("en-GB", False)])  # fmt: skip
def test_arabic_tags_read_right_to_left(tag: str, rtl: bool) -> None:
    assert is_rtl(tag) is rtl
