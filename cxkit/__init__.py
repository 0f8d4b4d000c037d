"""cxkit: a research kit for customer-experience (CX) research.

Load journey and survey data with a report of every load, classify touchpoints by the
articles' definitions (engagement, interaction, experience), simulate a study whose true
effects are known, and estimate how engagement, interactions and non-interaction factors such
as a CSR policy affect loyalty.

The package follows the data flow, one sub-package per step (imports point only downward):

==================  ===========================================================================
``cxkit.io``        files → validated tables: ``load_journeys``, ``load_survey``, load reports
``cxkit.catalogue`` the touchpoint catalogue, ``classify``, the experience realms
``cxkit.journeys``  event-log analytics on DuckDB/Spark: features, sessions, paths, funnels
``cxkit.metrics``   NPS, CSAT, CES, top box, churn, repeat rate, retention, with intervals
``cxkit.measurement`` reliability, validity, CFA, PLS-SEM (seminr)
``cxkit.models``    causal effects, loyalty models, drivers, mechanisms, survival
``cxkit.plots``     figures (they take tables or results and return the Axes)
``cxkit.study``     the simulator with known truth, bundled data sets, the validation study
``cxkit.teaching``  the book's exercises: ``check("topic.n", answer)`` checks a student's answer
==================  ===========================================================================

Where each idea of the articles lives:

=====================================================  ========================================
idea (article)                                         function
=====================================================  ========================================
engagement / interaction / experience (the circles)    :func:`circles`, :func:`classify`
touchpoints and their catalogue                        :func:`catalogue`
journey stages (pre-purchase → post-purchase)          :func:`journey_stages`, :func:`stages_wide`
moments of truth                                       :func:`moments_of_truth`
the CX pyramid (needs, ease, enjoyment; Manning)       :func:`cx_pyramid`
engagement dimensions (cognitive, emotional, behav.)   :func:`engagement_scores`,
                                                       :func:`behavioural_engagement`
experience economy, four realms (Pine & Gilmore)       :func:`experience_economy`
=====================================================  ========================================

>>> import cxkit
>>> cxkit.catalogue().shape[0] >= 30
True
"""

import importlib as _importlib

from . import datasets, journeys, measurement, metrics, models, plots, study, teaching
from ._check import DataError
from ._options import get_option, set_option
from ._report import LoadReport, load_report
from ._version import __version__  # noqa: F401  (cxkit.__version__)
from .catalogue import catalogue, classify, experience_economy
from .io import load_journeys, load_survey, pseudonymise
from .journeys import behavioural_engagement, circles, dialogue, journey_stages, stages_wide
from .measurement import (
    IPMAResult,
    MGAResult,
    MICOMResult,
    cx_pyramid,
    engagement_scores,
    formative,
    ipma,
    micom,
    pls_mga,
    pls_sem,
)
from .models import (
    BGNBDResult,
    CoxResult,
    EffectResult,
    EventStudyResult,
    GammaGammaResult,
    HonestDiDResult,
    LoyaltyModelResult,
    MediationResult,
    ModerationResult,
    ParetoNBDResult,
    activity_panel,
    bg_nbd,
    calibration_holdout,
    cate,
    churn_episodes,
    clv,
    compare_effects,
    cox,
    effect,
    effects_by,
    event_study,
    gamma_gamma,
    honest_did,
    key_drivers,
    loyalty_model,
    mediation,
    moderation,
    moments_of_truth,
    pareto_nbd,
    plot_drivers,
    plot_effects,
    plot_retention,
    plot_simple_slopes,
    repeat_purchase_summary,
    sensitivity,
    value_after,
)
from .study import Study, simulate_study

__all__ = [
    # loading data and the catalogue
    "DataError", "LoadReport", "catalogue", "classify", "load_journeys", "load_report",
    "load_survey", "pseudonymise",
    # the articles' concepts
    "behavioural_engagement", "circles", "cx_pyramid", "dialogue", "engagement_scores",
    "experience_economy", "journey_stages", "moments_of_truth", "stages_wide",
    # measurement
    "IPMAResult", "MGAResult", "MICOMResult", "formative", "ipma", "micom", "pls_mga", "pls_sem",
    # causal effects
    "EffectResult", "EventStudyResult", "HonestDiDResult", "activity_panel", "cate",
    "compare_effects", "effect", "honest_did",
    "effects_by", "event_study", "plot_effects", "sensitivity",
    # loyalty, drivers and mechanisms
    "LoyaltyModelResult", "MediationResult", "ModerationResult", "key_drivers", "loyalty_model",
    "mediation", "moderation", "plot_drivers", "plot_simple_slopes",
    # retention and customer value
    "CoxResult", "churn_episodes", "cox", "plot_retention", "repeat_purchase_summary",
    "BGNBDResult", "GammaGammaResult", "ParetoNBDResult", "bg_nbd", "calibration_holdout", "clv",
    "gamma_gamma", "pareto_nbd", "value_after",
    # simulated studies
    "Study", "simulate_study",
    # options (min_n: the small-cell rule)
    "get_option", "set_option",
    # sub-packages
    "datasets", "journeys", "measurement", "metrics", "models", "plots", "study", "teaching",
]

# Modules that moved in 0.2.0: ``cxkit.loyalty`` etc. still resolve, with a FutureWarning.
_MOVED = ("concepts", "loyalty", "retention", "simulate", "validation")


def __getattr__(name):
    if name in _MOVED:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
