"""Studies with a known truth: the simulator, the bundled data sets, the validation study.

May import everything below it (models, measurement, metrics, journeys, io, catalogue).
"""

from .simulate import Study, simulate_study

__all__ = ["Study", "simulate_study"]
