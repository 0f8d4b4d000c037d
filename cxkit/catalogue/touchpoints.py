"""The touchpoint catalogue: what each touchpoint is, in the articles' terms.

A *touchpoint* is any place or event where the firm meets the customer, physical or virtual
(Buttle, 2009). The catalogue gives each one a channel, a **level** — ``engagement`` (one-way
customer behaviour, e.g. clicking a promotional e-mail and going no further; Smuda), ``interaction``
(a two-way exchange between customer and firm; Manning, Forrester) or ``experience`` (exposure to
the firm's outputs or to a non-interaction factor such as its CSR policy, news, or other people's
word of mouth) — a direction, a journey stage, whether the firm controls it, and whether it is a
typical *moment of truth* (an occasion where the customer forms an impression of the firm).

The level named ``experience`` holds **exposures only**: what reaches the customer without them
acting. It is not "the customer experience". CX is the perceived outcome of *all* contacts —
exposure *and* interaction (Buttle, 2009) — so every touchpoint, whatever its level, is part of
the experience: the outer circle of the three concentric circles (:func:`cxkit.circles`, nested
reading). Read ``level == "experience"`` as "exposure".

The default catalogue ships with the package; researchers pass their own or extend it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from .. import _check
from .._read import read_table, source_name
from .._report import LoadReport, attach_report

LEVELS = ("engagement", "interaction", "experience")
DIRECTIONS = ("customer_to_firm", "firm_to_customer", "two_way", "third_party")
STAGES = ("awareness", "consideration", "purchase", "use", "service", "loyalty", "exit")
CHANNELS = ("email", "web", "app", "store", "phone", "chat", "social", "media")
COLUMNS = ("touchpoint", "channel", "level", "direction", "stage", "controllable",
           "moment_of_truth", "description")
#: Catalogue columns joined onto journey events by :func:`classify`.
CLASS_COLUMNS = ("level", "stage", "direction", "controllable", "moment_of_truth")


def catalogue(source=None, *, extend=None) -> pd.DataFrame:
    """The touchpoint catalogue as a validated table, one row per touchpoint.

    Parameters
    ----------
    source : path or DataFrame, optional
        Your own catalogue (CSV, Excel, Parquet or a DataFrame) replacing the default one.
    extend : path or DataFrame, optional
        Rows added to the catalogue; a touchpoint already present is replaced by your row
        (the report of the returned table says which ones).

    Returns
    -------
    DataFrame
        Columns ``touchpoint``, ``channel``, ``level`` (engagement | interaction |
        experience, the last meaning exposure: see the module's description),
        ``direction`` (customer_to_firm | firm_to_customer | two_way |
        third_party), ``stage`` (awareness | consideration | purchase | use | service |
        loyalty | exit), ``controllable`` (bool), ``moment_of_truth`` (bool),
        ``description``.

    Raises
    ------
    DataError
        A missing column, an empty or duplicated touchpoint name, a level, direction or
        stage outside the lists above, or a flag that is not true/false.

    Examples
    --------
    >>> import cxkit
    >>> cat = cxkit.catalogue()
    >>> cat.groupby("level").size()
    level
    engagement     12
    experience     13
    interaction    14
    dtype: int64
    >>> mine = cxkit.catalogue(extend=[{"touchpoint": "kiosk_checkin", "channel": "store",
    ...     "level": "interaction", "direction": "two_way", "stage": "service",
    ...     "controllable": True, "moment_of_truth": False, "description": "Self check-in"}])
    >>> len(mine) - len(cat)
    1
    """
    base = _default_table() if source is None else _validated(source)
    report = LoadReport(source="cxkit default catalogue" if source is None
                        else source_name(source), kind="catalogue")
    if extend is not None:
        extra = _validated(pd.DataFrame(extend) if isinstance(extend, list) else extend)
        replaced = sorted(set(base["touchpoint"]) & set(extra["touchpoint"]))
        if replaced:
            report.notes.append("touchpoints replaced by the extension: " + ", ".join(replaced))
        base = pd.concat([base[~base["touchpoint"].isin(replaced)], extra], ignore_index=True)
    report.rows_read = report.rows_kept = len(base)
    return attach_report(base, report)


@lru_cache(maxsize=1)
def _default_frozen() -> pd.DataFrame:
    return _validated(resources.files("cxkit.catalogue") / "data" / "touchpoints.csv")


def _default_table() -> pd.DataFrame:
    return _default_frozen().copy()


def _default_catalogue() -> pd.DataFrame:
    return catalogue()


def _validated(source) -> pd.DataFrame:
    name = "cxkit default catalogue" if not isinstance(source, (str, pd.DataFrame)) and \
        not hasattr(source, "__fspath__") else source_name(source)
    if isinstance(source, pd.DataFrame):
        data = source.reset_index(drop=True).copy()
    elif isinstance(source, str) or hasattr(source, "__fspath__"):
        data = read_table(source)
    else:  # a resource of the installed package
        with resources.as_file(source) as path:
            data = read_table(path)
    if "description" not in data.columns:
        data["description"] = ""
    with _check.in_source(file=name):
        _check.columns(data, COLUMNS, what="touchpoint catalogue")
        data = data[list(COLUMNS)].copy()
        for col in ("touchpoint", "channel"):
            _check.refuse_rows(_check.blank(data[col]), "empty value", col,
                               f"a {col} name in every row")
            data[col] = data[col].astype(str)
        _check.refuse_rows(data["touchpoint"].duplicated(keep=False),
                           "touchpoint listed more than once", "touchpoint",
                           "one row per touchpoint")
        for col, allowed in (("level", LEVELS), ("direction", DIRECTIONS), ("stage", STAGES)):
            _check.allowed_values(data[col], allowed, col, missing=False)
            data[col] = data[col].astype(str)
        for col in ("controllable", "moment_of_truth"):
            data[col] = _check.flags_from_text(data[col], col)
    data["description"] = data["description"].fillna("").astype(str)
    return data


def classify(events: pd.DataFrame, catalogue: pd.DataFrame | None = None, *,
             on_unknown: str = "keep", report: LoadReport | None = None) -> pd.DataFrame:
    """Join the catalogue's classification onto journey events.

    Adds (or replaces) ``level``, ``stage``, ``direction``, ``controllable`` and
    ``moment_of_truth``, and fills ``channel`` from the catalogue where the events have none.
    :func:`cxkit.load_journeys` calls it; call it yourself after extending the catalogue.

    Parameters
    ----------
    events : DataFrame
        Journey events with at least a ``touchpoint`` column.
    catalogue : DataFrame, optional
        A table from :func:`cxkit.catalogue`; the default catalogue when omitted.
    on_unknown : {"keep", "raise"}
        Touchpoints not in the catalogue are kept with ``level`` NaN and counted in the report
        (``"keep"``), or refused with a :class:`DataError` (``"raise"``).
    report : LoadReport, optional
        Where to write what happened (a loader passes its own).

    Returns
    -------
    DataFrame
        A copy of ``events`` with the classification columns.

    Examples
    --------
    >>> import pandas as pd, cxkit
    >>> ev = pd.DataFrame({"touchpoint": ["email_click", "purchase", "csr_news_exposure"]})
    >>> cxkit.classify(ev)[["touchpoint", "channel", "level"]]
              touchpoint channel        level
    0        email_click   email   engagement
    1           purchase     web  interaction
    2  csr_news_exposure   media   experience
    """
    _check.one_of(on_unknown, ("keep", "raise"), "on_unknown")
    cat = _default_catalogue() if catalogue is None else catalogue
    _check.columns(events, ["touchpoint"], what="events")
    lookup = cat.set_index("touchpoint")
    known = events["touchpoint"].isin(lookup.index)
    source = report.source if report is not None else None
    if not known.all():
        counts = events.loc[~known, "touchpoint"].value_counts()
        if on_unknown == "raise":
            with _check.in_source(file=source):
                _check.refuse_rows(~known, "touchpoint(s) not in the catalogue: "
                                   f"{sorted(counts.index)}", "touchpoint",
                                   "touchpoints listed in the catalogue (extend it with "
                                   "cxkit.catalogue(extend=...))")
        if report is not None:
            report.notes.append(
                f"{int(counts.sum())} event(s) with {len(counts)} touchpoint(s) not in the "
                f"catalogue kept with level NaN: " + ", ".join(map(str, counts.index[:10])))
            report.details["unknown_touchpoints"] = (
                counts.rename_axis("touchpoint").reset_index(name="events"))
    out = events.copy()
    tp = out["touchpoint"]
    for col in CLASS_COLUMNS:
        mapped = tp.map(lookup[col])
        if col in ("controllable", "moment_of_truth"):
            mapped = mapped.astype("boolean")
        out[col] = mapped
    cat_channel = tp.map(lookup["channel"])
    if "channel" not in out.columns:
        out["channel"] = cat_channel
        if report is not None:
            report.notes.append("channel taken from the catalogue (the data have no channel)")
    else:
        fill = out["channel"].isna() & cat_channel.notna()
        if fill.any():
            out["channel"] = out["channel"].where(~fill, cat_channel)
            if report is not None:
                report.notes.append(f"channel taken from the catalogue for {int(fill.sum())} "
                                    f"event(s) with an empty channel: rows "
                                    + ", ".join(map(str, _check.rows(fill)[:10])))
    unknown_channels = sorted(set(out["channel"].dropna()) - set(CHANNELS) - set(cat["channel"]))
    if unknown_channels and report is not None:
        report.notes.append("channels not in the catalogue's list (kept): "
                            + ", ".join(map(str, unknown_channels)))
    return out
