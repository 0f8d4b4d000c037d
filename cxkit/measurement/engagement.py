"""Engagement on its three dimensions (cognitive, emotional, behavioural) from survey items."""

from __future__ import annotations

import pandas as pd

from .. import _check
from .._docstrings import shared_docs
from .pyramid import _layer_scores

__all__ = ["ENGAGEMENT_DIMENSIONS", "engagement_scores"]

ENGAGEMENT_DIMENSIONS = ("cognitive", "emotional", "behavioural")


# --------------------------------------------------------------------------------------------
# engagement on three dimensions
# --------------------------------------------------------------------------------------------
@shared_docs
def engagement_scores(survey: pd.DataFrame, *, cognitive, emotional, behavioural,
                      scale: tuple[float, float] = (1, 7), keep=(),
                      missing: str = _check.MISSING_DEFAULT) -> pd.DataFrame:
    """Engagement on its three dimensions, per respondent: cognitive, emotional, behavioural.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent.
    cognitive, emotional, behavioural : list of str
        The item columns of each dimension (e.g. ``["cog_1", "cog_2", "cog_3"]``).
    scale : (low, high)
        The items' answer scale; answers outside it are refused.
    keep : sequence of str
        Columns of ``survey`` copied to the result first (e.g. ``["customer_id", "wave"]``).
    {doc:missing}
        Here ``"pairwise"`` scores each dimension from the respondents who answered its
        items: a dimension with a missing item is missing, the others are kept.

    Returns
    -------
    DataFrame
        One row per respondent (for ``"listwise"``, per respondent kept), with the survey's
        index: the ``keep`` columns, then ``cognitive``, ``emotional``, ``behavioural`` (the
        mean of each dimension's items; missing when any of its items is missing) and
        ``engagement`` (the mean of the three dimensions). ``attrs["missing_note"]`` says
        what the rule for missing answers did.

    Raises
    ------
    DataError
        No rows; a missing column; answers that are not numbers or are outside ``scale``
        (the error names the rows); an item used in two dimensions.

    Notes
    -----
    Every interaction with a brand is an investment of three kinds (seed 002, *coinvolgimento*):
    **cognitive** (the customer immerses themselves in the brand's world), **emotional**
    (affection for the firm) and **behavioural** (an action that changes the customer's
    routine). This is the three-dimensional view of customer engagement in the literature
    (Hollebeek, Glynn & Brodie, 2014). The scores are unweighted item means; check the
    scales' reliability and validity (:func:`cxkit.measurement.reliability`,
    :func:`cxkit.measurement.validity`) before reading them as measures of the constructs.
    Behaviour itself is measured from events by :func:`behavioural_engagement`.

    References
    ----------
    Hollebeek, L. D., Glynn, M. S., & Brodie, R. J. (2014). Consumer brand engagement in
    social media: Conceptualization, scale development and validation. *Journal of
    Interactive Marketing*, 28(2), 149–165.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxkit import engagement_scores
    >>> survey = pd.DataFrame({"customer_id": ["a", "b"], "cog_1": [5, 2], "cog_2": [7, 2],
    ...                        "emo_1": [6, 3], "beh_1": [4, None]})
    >>> scores = engagement_scores(survey, cognitive=["cog_1", "cog_2"], emotional=["emo_1"],
    ...                            behavioural=["beh_1"], keep=["customer_id"],
    ...                            missing="pairwise")
    >>> scores
      customer_id  cognitive  emotional  behavioural  engagement
    0           a        6.0        6.0          4.0    5.333333
    1           b        2.0        3.0          NaN         NaN
    >>> print(scores.attrs["missing_note"])  # doctest: +NORMALIZE_WHITESPACE
    missing answers, rule "pairwise": 1 missing answer(s) in 1 of 2 rows (beh_1: 1); each
    statistic uses the rows that answered its columns
    """
    low, high = _check.scale_range(scale)
    keep = _check.as_list(keep, "keep") if keep else []
    groups = {"cognitive": cognitive, "emotional": emotional, "behavioural": behavioural}
    scores, note = _layer_scores(survey, groups, (low, high), keep=keep, missing=missing,
                                 what="engagement scores")
    scores["engagement"] = scores[list(ENGAGEMENT_DIMENSIONS)].mean(axis=1, skipna=False)
    scores.attrs["missing_note"] = note
    return scores


