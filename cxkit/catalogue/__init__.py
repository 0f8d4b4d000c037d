"""The touchpoint catalogue: what each touchpoint is, in the articles' terms.

Holds the catalogue (``data/touchpoints.csv``, read with :mod:`importlib.resources`), the
experience realms of Pine & Gilmore (``data/*realms*.csv``) and :func:`classify`.
May import only the private base modules (``cxkit._check``, ``cxkit._read``, ``cxkit._report``).
"""

from .realms import REALMS, ExperienceEconomy, experience_economy
from .touchpoints import (
    CHANNELS,
    CLASS_COLUMNS,
    COLUMNS,
    DIRECTIONS,
    LEVELS,
    STAGES,
    catalogue,
    classify,
)

__all__ = ["CHANNELS", "CLASS_COLUMNS", "COLUMNS", "DIRECTIONS", "LEVELS", "REALMS", "STAGES",
           "ExperienceEconomy", "catalogue", "classify", "experience_economy"]
