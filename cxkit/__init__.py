"""cxkit: a research kit for customer-experience (CX) research.

Load journey and survey data with a report of every load, classify touchpoints by the
articles' definitions (engagement, interaction, experience), simulate a study whose true
effects are known, and estimate how engagement, interactions and non-interaction factors such
as a CSR policy affect loyalty.

>>> import cxkit
>>> cxkit.catalogue().shape[0] >= 30
True
"""

from . import datasets, journeys, loyalty, measurement, metrics, plots, retention
from ._report import DataError, LoadReport, load_report
from .catalogue import catalogue, classify
from .concepts import (
    behavioural_engagement,
    circles,
    cx_pyramid,
    engagement_scores,
    experience_economy,
    journey_stages,
    moments_of_truth,
    stages_wide,
)
from .io import load_journeys, load_survey
from .loyalty import (
    LoyaltyModelResult,
    MediationResult,
    ModerationResult,
    key_drivers,
    loyalty_model,
    mediation,
    moderation,
    plot_drivers,
    plot_simple_slopes,
)
from .measurement import formative, pls_sem
from .models import (
    EffectResult,
    EventStudyResult,
    activity_panel,
    cate,
    compare_effects,
    effect,
    effects_by,
    event_study,
    plot_effects,
    sensitivity,
)
from .retention import CoxResult, churn_episodes, cox, plot_retention, repeat_purchase_summary
from .simulate import Study, simulate_study

__version__ = "0.1.0"

__all__ = [
    "CoxResult",
    "DataError",
    "EffectResult",
    "EventStudyResult",
    "activity_panel",
    "behavioural_engagement",
    "circles",
    "cx_pyramid",
    "engagement_scores",
    "experience_economy",
    "formative",
    "journey_stages",
    "journeys",
    "key_drivers",
    "loyalty",
    "loyalty_model",
    "LoyaltyModelResult",
    "mediation",
    "MediationResult",
    "moderation",
    "ModerationResult",
    "plot_drivers",
    "plot_simple_slopes",
    "moments_of_truth",
    "plots",
    "pls_sem",
    "stages_wide",
    "event_study",
    "LoadReport",
    "catalogue",
    "cate",
    "churn_episodes",
    "cox",
    "classify",
    "datasets",
    "compare_effects",
    "effect",
    "effects_by",
    "plot_effects",
    "sensitivity",
    "load_journeys",
    "load_report",
    "load_survey",
    "measurement",
    "metrics",
    "plot_retention",
    "repeat_purchase_summary",
    "retention",
    "simulate_study",
    "Study",
]
