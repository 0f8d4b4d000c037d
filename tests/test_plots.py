"""Tests for cxkit.plots: each figure returns its Axes with the expected shapes and labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Circle, Polygon, Rectangle

from cxkit import circles, cx_pyramid, experience_economy, moments_of_truth, plots

LAYER_ITEMS = {p: [f"{p}_{k}" for k in (1, 2, 3)] for p in ("needs", "ease", "enjoy")}


@pytest.fixture
def circle_result():
    events = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c", "d", "d"],
        "touchpoint": ["email_click", "purchase", "ad_impression", "web_visit", "kiosk",
                       "support_call", "service_failure"],
        "level": ["engagement", "interaction", "experience", "engagement", None,
                  "interaction", "experience"]})
    return circles(events)


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_nested_circles_are_three_concentric_circles_with_counts(circle_result):
    ax = plots.circles(circle_result)
    assert isinstance(ax, Axes)
    patches = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(patches) == 3
    assert {p.center for p in patches} == {(0, 0)}
    assert sorted(p.radius for p in patches) == pytest.approx([1 / 3, 2 / 3, 1])
    labels = texts(ax)
    # engagement 2 (a, c); interaction or engagement 3; any experience 4
    for expected in ("engagement\n2 customers", "interaction\n3 customers",
                     "experience\n4 customers"):
        assert expected in labels
    assert any("1 customer has events outside the catalogue" in t for t in labels)
    assert "100% of customers had a contact (all are experience)" in ax.get_title()


def test_disjoint_circles_have_areas_proportional_to_customers(circle_result):
    _, ax = plt.subplots()
    assert plots.circles(circle_result, reading="disjoint", ax=ax) is ax
    patches = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(patches) == 3
    # each level has 2 customers in the disjoint reading: three equal circles side by side
    assert [p.radius for p in patches] == pytest.approx([1, 1, 1])
    assert len({p.center for p in patches}) == 3
    assert "interaction\n2 customers" in texts(ax)
    # the catalogue's "experience" level holds exposures only: labelled for what it holds
    assert "exposure\n(level 'experience')\n2 customers" in texts(ax)
    assert "had an exposure" in ax.get_title()


def test_circles_refuse_an_unknown_reading(circle_result):
    with pytest.raises(ValueError, match="reading"):
        plots.circles(circle_result, reading="venn")


def test_circles_result_plots_itself(circle_result):
    ax = circle_result.plot(reading="disjoint")
    assert len(ax.patches) == 3


@pytest.fixture
def mot_table() -> pd.DataFrame:
    table = pd.DataFrame({
        "touchpoint": ["service_failure", "complaint", "csr_report_view", "web_visit",
                       "cancellation"],
        "level": ["experience", "interaction", "experience", "engagement", "interaction"],
        "estimate": [-0.6, -0.4, 0.25, 0.05, np.nan],
        "se": [0.02, 0.03, 0.03, 0.04, np.nan],
        "ci_low": [-0.64, -0.46, 0.19, -0.03, np.nan],
        "ci_high": [-0.56, -0.34, 0.31, 0.13, np.nan],
        "n_exposed": [100, 80, 60, 900, 0], "n_excluded": 0, "n": 1000,
        "rank": pd.array([1, 2, 3, 4, pd.NA], dtype="Int64")})
    table.attrs.update(outcome="csat", window="730 days")
    return table


def test_moments_of_truth_plot_ranks_the_largest_at_the_top(mot_table):
    ax = plots.moments_of_truth(mot_table, top=3)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["service_failure", "complaint", "csr_report_view"]
    ticks = ax.get_yticks()
    assert ticks[0] > ticks[1] > ticks[2]  # rank 1 highest
    assert ax.get_title().startswith("service_failure shifts csat most (-0.60")
    assert "within 730 days" in ax.get_xlabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["interaction", "experience"]


def test_moments_of_truth_plot_leaves_out_touchpoints_without_an_estimate(mot_table):
    ax = plots.moments_of_truth(mot_table, top=15)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 4 and "cancellation" not in labels


def test_moments_of_truth_plot_of_a_real_result(study):
    mot = moments_of_truth(study.events, study.survey, outcome="csat", window="365D",
                           controls=["wave"])
    ax = plots.moments_of_truth(mot, top=10)
    assert len(ax.get_yticklabels()) == 10
    assert ax.get_yticklabels()[0].get_text() == mot["touchpoint"].iloc[0]


def test_moments_of_truth_plot_refuses_another_table():
    with pytest.raises(ValueError, match="moments_of_truth"):
        plots.moments_of_truth(pd.DataFrame({"estimate": [1.0]}))


def test_pyramid_draws_three_layers_narrowing_upwards(study):
    result = cx_pyramid(study.survey, **LAYER_ITEMS)
    ax = plots.pyramid(result)
    layers = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(layers) == 3
    widths = [np.ptp(p.get_xy()[:, 0]) for p in layers]
    assert widths[0] > widths[1] > widths[2]
    labels = texts(ax)
    assert len(labels) == 3
    levels = result.levels.set_index(["layer", "rule"])["estimate"]
    assert f"{levels[('needs', 'layer')]:.0%} meet it" in labels[0]
    assert f"{levels[('ease', 'pyramid')]:.0%} with the levels below" in labels[1]
    assert ax.get_title().startswith(f"{levels[('enjoy', 'pyramid')]:.0%} of respondents "
                                     "reach the top")
    assert len(result.plot().patches) == 3


def test_realms_place_each_mapped_touchpoint_in_its_quadrant():
    economy = experience_economy()
    ax = plots.realms(economy)
    quadrants = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(quadrants) == 4
    everything = "\n".join(texts(ax))
    placed = economy.touchpoints[economy.touchpoints["realm"] != "none"]
    for touchpoint in placed["touchpoint"]:
        assert touchpoint in everything
    assert "support_call" not in everything
    assert ax.get_title().startswith(f"{len(placed)} of {len(economy.touchpoints)} touchpoints")
