"""Figures for the kit's results, in seaborn's style.

Plot functions take tables or result objects and return the Axes; they import no analysis
module (result objects' ``.plot()`` methods import them lazily), only the private base.
"""

from .concepts import circles, moments_of_truth, pyramid, realms
from .drivers import plot_drivers, plot_simple_slopes
from .effects import event_study, plot_effects
from .path_diagram import path_diagram
from .retention import hazard_ratios, plot_retention
from .value import plot_calibration_holdout, plot_p_alive_matrix

__all__ = [
    # the articles' concepts
    "circles", "moments_of_truth", "pyramid", "realms",
    # measurement
    "path_diagram",
    # causal effects
    "event_study", "plot_effects",
    # loyalty drivers and moderation
    "plot_drivers", "plot_simple_slopes",
    # retention
    "hazard_ratios", "plot_retention",
    # customer value
    "plot_calibration_holdout", "plot_p_alive_matrix",
]
