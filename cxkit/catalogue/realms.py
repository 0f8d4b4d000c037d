"""Pine & Gilmore (1998): the progression of economic value and the four realms of an
experience, with the catalogue's touchpoints mapped onto the realms (``data/*.csv``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from .. import _check
from .._results import Result

__all__ = ["REALMS", "ExperienceEconomy", "experience_economy"]

REALMS = ("entertainment", "educational", "esthetic", "escapist")


# --------------------------------------------------------------------------------------------
# the experience economy
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ExperienceEconomy(Result):
    """Pine & Gilmore's progression of economic value and four realms, as tables.

    A mapping, not an estimate: ``fit`` is ``None`` and there is no confidence interval.

    Attributes
    ----------
    progression : DataFrame
        One row per economic offering, in order (commodities, goods, services, experiences):
        ``order``, ``offering``, ``economy``, ``economic_function``, ``nature``,
        ``key_attribute``, ``method_of_supply``, ``seller``, ``buyer``,
        ``factors_of_demand``, ``coffee_example``, ``price_low_usd_per_cup``,
        ``price_high_usd_per_cup``.
    realms : DataFrame
        One row per realm: ``realm``, ``participation`` (passive | active), ``connection``
        (absorption | immersion), ``description``, ``example``.
    touchpoints : DataFrame
        One row per catalogue touchpoint: ``touchpoint``, ``level``, ``stage``, ``realm``
        (one of the four, ``"none"`` when the touchpoint is not an experience in Pine &
        Gilmore's sense, missing when the kit has no mapping for it), ``participation``,
        ``connection``, ``rationale``.
    """

    progression: pd.DataFrame
    realms: pd.DataFrame
    touchpoints: pd.DataFrame

    _label_columns = ("touchpoint",)

    def to_frame(self) -> pd.DataFrame:
        """The ``touchpoints`` table."""
        return self.touchpoints.copy()

    def summary(self) -> str:
        """The offerings, the realms and how many touchpoints fit each realm."""
        counts = self.touchpoints["realm"].value_counts()
        text = ", ".join(f"{r} {counts.get(r, 0)}" for r in (*REALMS, "none"))
        return (f"ExperienceEconomy: {len(self.progression)} offerings, {len(self.realms)} "
                f"realms; touchpoints by realm: {text}")

    def plot(self, ax=None):
        """The four realms with the touchpoints in each (:func:`cxkit.plots.realms`)."""
        from .. import plots

        return plots.realms(self, ax=ax)


def experience_economy(catalogue: pd.DataFrame | None = None) -> ExperienceEconomy:
    """Pine & Gilmore (1998): the progression of economic value and the four realms.

    Parameters
    ----------
    catalogue : DataFrame, optional
        A touchpoint catalogue (:func:`cxkit.catalogue`) to map onto the realms; the default
        one when omitted. Touchpoints the kit has no mapping for get a missing ``realm``.

    Returns
    -------
    ExperienceEconomy
        ``.progression``, ``.realms`` and ``.touchpoints``; every column is listed in
        :class:`ExperienceEconomy`.

    Notes
    -----
    Pine and Gilmore (1998) describe the economy as moving through four stages —
    **commodities → goods → services → experiences** — in each of which the customer and their
    experience are more central (seed 004). Their coffee example: beans traded as a commodity
    are worth a cent or two a cup; ground and packaged as a good, 5–25 cents; brewed and served
    in a diner, 50 cents to a dollar; served where ordering and drinking it is a small piece of
    theatre, 2 to 5 dollars. The ``progression`` table restates the article's distinctions
    between the four offerings and these prices (US dollars of 1998, as quoted). It is an
    **illustration, not evidence**: four price ranges quoted in one article, not a measured
    relation between staging and willingness to pay.

    An experience has four *realms*, on two dimensions: the customer's **participation**
    (passive: they do not shape the event; active: they do) and their **connection** with it
    (absorption: the experience occupies their attention; immersion: they become part of it).
    Entertainment is passive absorption, education active absorption, esthetic experiences
    passive immersion and escapist ones active immersion. The ``touchpoints`` table is the
    kit's judgement of where each catalogue touchpoint fits, with its rationale, for teaching
    and discussion; many touchpoints (a support call, a complaint) fit none — in Pine &
    Gilmore's terms they are services, although they can still be moments of truth.

    References
    ----------
    Pine, B. J., II, & Gilmore, J. H. (1998). Welcome to the experience economy. *Harvard
    Business Review*, 76(4), 97–105.

    Examples
    --------
    >>> from cxkit import experience_economy
    >>> economy = experience_economy()
    >>> economy.progression[["offering", "economic_function", "price_high_usd_per_cup"]]
          offering economic_function  price_high_usd_per_cup
    0  commodities           extract                    0.02
    1        goods              make                    0.25
    2     services           deliver                    1.00
    3  experiences             stage                    5.00
    >>> economy.realms[["realm", "participation", "connection"]]
               realm participation  connection
    0  entertainment       passive  absorption
    1    educational        active  absorption
    2       esthetic       passive   immersion
    3       escapist        active   immersion
    >>> economy.touchpoints.set_index("touchpoint").loc["support_call", "realm"]
    'none'
    """
    from .touchpoints import catalogue as default_catalogue

    progression, realms, mapping = (t.copy() for t in _economy_tables())
    cat = default_catalogue() if catalogue is None else catalogue
    _check.table(cat, ["touchpoint", "level", "stage"], what="catalogue")
    touchpoints = (cat[["touchpoint", "level", "stage"]].reset_index(drop=True)
                   .merge(mapping, on="touchpoint", how="left", validate="one_to_one")
                   .merge(realms[["realm", "participation", "connection"]], on="realm",
                          how="left"))
    touchpoints = touchpoints[["touchpoint", "level", "stage", "realm", "participation",
                               "connection", "rationale"]]
    return ExperienceEconomy(progression=progression, realms=realms, touchpoints=touchpoints)


@lru_cache(maxsize=1)
def _economy_tables():
    folder = resources.files("cxkit.catalogue") / "data"

    def read(name):
        with resources.as_file(folder / name) as path:
            return pd.read_csv(path)

    progression = read("experience_economy.csv").sort_values("order").reset_index(drop=True)
    realms = read("experience_realms.csv")
    mapping = read("touchpoint_realms.csv")
    # a broken install or an edit of the shipped file
    with _check.in_source(file="cxkit/catalogue/data/touchpoint_realms.csv"):
        _check.allowed_values(mapping["realm"], [*REALMS, "none"], "realm", missing=False)
    return progression, realms, mapping


