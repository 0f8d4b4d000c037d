"""Deprecated: moved to :mod:`cxkit.models.loyalty` (this alias goes in cxkit 0.3.0)."""

from ._deprecated import moved

moved(__name__, "cxkit.models.loyalty")
