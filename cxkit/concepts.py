"""Deprecated: the articles' concepts now live with the step of the data flow that computes
them (this alias goes in cxkit 0.3.0). Import them from ``cxkit`` itself:

- ``cxkit.circles``, ``cxkit.journey_stages``, ``cxkit.stages_wide``,
  ``cxkit.behavioural_engagement`` — :mod:`cxkit.journeys` (from the event log);
- ``cxkit.cx_pyramid``, ``cxkit.engagement_scores`` — :mod:`cxkit.measurement` (from surveys);
- ``cxkit.moments_of_truth`` — :mod:`cxkit.models` (an effect estimate per touchpoint);
- ``cxkit.experience_economy`` — :mod:`cxkit.catalogue` (the realms of the catalogue).
"""

import warnings

from .catalogue.realms import REALMS, ExperienceEconomy, experience_economy
from .journeys.circles import Circles, circles, journey_stages, stages_wide
from .journeys.engagement import BehaviouralEngagement, behavioural_engagement
from .measurement.engagement import ENGAGEMENT_DIMENSIONS, engagement_scores
from .measurement.pyramid import PYRAMID_LABELS, PYRAMID_LAYERS, Pyramid, cx_pyramid
from .models.moments import moments_of_truth

__all__ = ["BehaviouralEngagement", "Circles", "ENGAGEMENT_DIMENSIONS", "ExperienceEconomy",
           "PYRAMID_LABELS", "PYRAMID_LAYERS", "Pyramid", "REALMS", "behavioural_engagement",
           "circles", "cx_pyramid", "engagement_scores", "experience_economy", "journey_stages",
           "moments_of_truth", "stages_wide"]

warnings.warn("cxkit.concepts is split by step of the data flow: import its functions from "
              "cxkit (e.g. cxkit.circles); cxkit.concepts will be removed in cxkit 0.3.0",
              FutureWarning, stacklevel=2)
