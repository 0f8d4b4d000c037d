"""Figures for the kit's results, in seaborn's style.

Plot functions take tables or result objects and return the Axes; they import no analysis
module (result objects' ``.plot()`` methods import them lazily), only the private base.
"""

from .concepts import circles, moments_of_truth, pyramid, realms
from .retention import hazard_ratios, plot_retention

__all__ = ["circles", "moments_of_truth", "pyramid", "realms",
           # retention
           "hazard_ratios", "plot_retention"]
