"""Deprecated: moved to :mod:`cxkit.study.simulate` (this alias goes in cxkit 0.3.0)."""

from ._deprecated import moved

moved(__name__, "cxkit.study.simulate")
