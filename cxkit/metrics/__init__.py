"""CX metrics with their uncertainty: NPS, CSAT, CES, top box, churn, repeat rate, retention.

May import :mod:`cxkit.catalogue` and the private base modules; never a model.
"""

from .core import ces, churn_rate, csat, nps, repeat_rate, retention_curve, top_box

__all__ = ["ces", "churn_rate", "csat", "nps", "repeat_rate", "retention_curve", "top_box"]
