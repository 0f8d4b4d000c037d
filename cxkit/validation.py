"""Deprecated: moved to :mod:`cxkit.study.validation` (this alias goes in cxkit 0.3.0)."""

from ._deprecated import moved

moved(__name__, "cxkit.study.validation")
