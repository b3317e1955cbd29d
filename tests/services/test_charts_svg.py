"""The charts of the COPIL report as SVG: well-formed, escaped, bars as tall as their values,
and zeros drawn as nothing rather than as an error."""

import itertools
import xml.etree.ElementTree as ET

import pytest

from directory.services import charts_svg
from directory.services.charts import BAR, GOOD_TO_BAD, PIE, Chart, Series

SVG = "{http://www.w3.org/2000/svg}"


def _svg(chart: Chart) -> ET.Element:
    return ET.fromstring(charts_svg.render(chart))  # fails on malformed or unescaped markup


def _bars(root: ET.Element) -> dict[str, float]:
    """Each bar's height by its tooltip."""
    return {
        rect.find(f"{SVG}title").text: float(rect.get("height"))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "bar"
    }


def test_bars_are_as_tall_as_their_values_and_zeros_are_not_drawn():
    chart = Chart(BAR, "Services", ("1er", "2e", "3e", "4e"), (Series("Services", (3, 0, 6, 12)),))
    heights = _bars(_svg(chart))
    assert set(heights) == {"1er — Services : 3", "3e — Services : 6", "4e — Services : 12"}
    unit = heights["1er — Services : 3"] / 3
    assert heights["3e — Services : 6"] == pytest.approx(6 * unit, abs=0.01)
    assert heights["4e — Services : 12"] == pytest.approx(12 * unit, abs=0.01)
    # The axis reaches the tallest bar, no more than one step above it.
    assert 12 * unit <= charts_svg.BAR_HEIGHT


def test_stacked_series_add_up_in_their_palette_colours():
    chart = Chart(
        BAR,
        "Catégories",
        ("19e",),
        (Series("couvertes", (14,)), Series("faibles", (1,)), Series("sans service", (1,))),
        GOOD_TO_BAD,
    )
    root = _svg(chart)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    assert [bar.get("fill") for bar in bars] == list(charts_svg.PALETTES[GOOD_TO_BAD])
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] == pytest.approx(14 * heights[1], abs=0.05)
    # Each one sits on the one below.
    for lower, upper in itertools.pairwise(bars):
        assert float(upper.get("y")) + float(upper.get("height")) == pytest.approx(
            float(lower.get("y")), abs=0.01
        )


def test_an_all_zero_chart_says_there_is_no_data():
    for kind in (BAR, PIE):
        chart = Chart(kind, "Rien", ("a", "b"), (Series("n", (0, 0)),))
        root = _svg(chart)
        assert not [e for e in root.iter() if e.get("class") in ("bar", "slice")]
        assert "Aucune donnée" in [e.text for e in root.iter(f"{SVG}text")]


def test_labels_and_titles_are_escaped():
    hostile = '<script>alert("x")</script> & Cie'
    chart = Chart(BAR, hostile, (hostile,), (Series(hostile, (2,)),))
    svg = charts_svg.render(chart)
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == hostile
    assert hostile in [e.text for e in root.iter(f"{SVG}text")]


def test_pie_slices_share_the_circle_and_a_single_value_is_a_whole_disc():
    chart = Chart(PIE, "Fraîcheur", ("à jour", "à vérifier", "en retard"), (Series("", (1, 1, 2)),))
    root = _svg(chart)
    slices = [e for e in root.iter() if e.get("class") == "slice"]
    assert [s.find(f"{SVG}title").text for s in slices] == [
        "à jour : 1",
        "à vérifier : 1",
        "en retard : 2",
    ]
    legend = [e.text for e in root.iter(f"{SVG}text")]
    assert "en retard : 2 (50 %)" in legend
    whole = _svg(Chart(PIE, "Tout", ("a", "b"), (Series("", (0, 5)),)))
    assert [e.tag for e in whole.iter() if e.get("class") == "slice"] == [f"{SVG}circle"]


def test_the_same_chart_gives_the_same_bytes():
    chart = Chart(BAR, "x", ("a", "b"), (Series("s", (1, 7)),))
    assert charts_svg.render(chart) == charts_svg.render(chart)


@pytest.mark.parametrize(
    ("value", "top", "step"), [(0, 1, 1), (1, 1, 1), (4, 4, 1), (12, 15, 5), (47, 50, 10)]
)
def test_the_axis_top_is_a_round_number_of_steps(value, top, step):
    assert charts_svg.nice_maximum(value) == (top, step)


def test_a_series_needs_one_value_per_label():
    with pytest.raises(ValueError):
        Chart(BAR, "x", ("a", "b"), (Series("s", (1,)),))
