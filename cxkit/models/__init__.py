"""Models of loyalty and of what changes it.

Causal effects (regression, IPW, AIPW, DiD, event studies, sensitivity), heterogeneity,
loyalty models, key drivers, mediation and moderation, survival and repeat purchase.
May import :mod:`cxkit.measurement`, :mod:`cxkit.metrics`, :mod:`cxkit.journeys`,
:mod:`cxkit.io`, :mod:`cxkit.catalogue` and the private base modules.
"""

from ..plots.drivers import plot_drivers, plot_simple_slopes
from ..plots.effects import plot_effects
from ..plots.retention import plot_retention
from ..plots.value import plot_calibration_holdout, plot_p_alive_matrix
from .churn import churn_episodes
from .did import EventStudyResult, activity_panel, event_study
from .drivers import key_drivers
from .effects import EffectResult, effect
from .heterogeneity import cate, compare_effects, effects_by
from .honest import HonestDiDResult, honest_did
from .loyalty import LoyaltyModelResult, loyalty_model
from .mediation import MediationResult, mediation
from .moderation import ModerationResult, moderation
from .moments import moments_of_truth
from .sensitivity import sensitivity
from .spend import GammaGammaResult, clv, gamma_gamma
from .survival import CoxResult, cox
from .transactions import BGNBDResult, ParetoNBDResult, bg_nbd, pareto_nbd
from .value import calibration_holdout, repeat_purchase_summary
from .value_window import value_after

__all__ = [
    # causal effects
    "EffectResult", "EventStudyResult", "activity_panel", "cate", "compare_effects", "effect",
    "effects_by", "event_study", "HonestDiDResult", "honest_did", "plot_effects", "sensitivity",
    # loyalty, drivers, mechanisms
    "LoyaltyModelResult", "MediationResult", "ModerationResult", "key_drivers", "loyalty_model",
    "mediation", "moderation", "plot_drivers", "plot_simple_slopes",
    # moments of truth
    "moments_of_truth",
    # survival and repeat purchase
    "CoxResult", "churn_episodes", "cox", "plot_retention", "repeat_purchase_summary",
    # customer value: repeat purchases, spend, lifetime value
    "BGNBDResult", "GammaGammaResult", "ParetoNBDResult", "bg_nbd", "calibration_holdout",
    "clv", "gamma_gamma", "pareto_nbd", "plot_calibration_holdout", "plot_p_alive_matrix",
    # customer value after a dated event
    "value_after",
]
