"""The CDNOW 1/10 sample of Fader & Hardie: real purchase histories for the value models.

The file ``CDNOW_sample.txt`` ships inside the package, in ``cxkit/study/data/cdnow/``, byte
for byte as distributed (see the data card ``README.md`` beside it for its source, terms and
provenance), and is read with :mod:`importlib.resources`.
"""

from __future__ import annotations

import hashlib
from importlib import resources

import pandas as pd

from .._check import DataError
from .._report import load_report
from ..io import load_journeys

__all__ = ["CDNOW_SHA256", "load_cdnow"]

#: SHA-256 of the shipped file (the same bytes as ``lifetimes/datasets/CDNOW_sample.txt`` in
#: the ``Lifetimes-0.11.3-py3-none-any.whl`` wheel on PyPI).
CDNOW_SHA256 = "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a"
_FILE = "CDNOW_sample.txt"
_COLUMNS = ["master_id", "customer_id", "date", "quantity", "value"]


def load_cdnow() -> pd.DataFrame:
    """The CDNOW 1/10 sample: 6,919 purchases of 2,357 customers, 1997-01-01 to 1998-06-30.

    The customers are a 1/10 systematic sample of the cohort whose first purchase at the
    online music shop CDNOW was in the first quarter of 1997; their purchases run to the end
    of June 1998 [1]_. Fader, Hardie & Lee fit the BG/NBD, Pareto/NBD and gamma–gamma models
    on its first 39 weeks [1]_ [2]_. Data card: ``cxkit/study/data/cdnow/README.md`` (source,
    terms of use, provenance, columns).

    Returns
    -------
    DataFrame
        One row per purchase (a customer's purchases on one day may be several rows), in
        the file's order, as :func:`cxkit.load_journeys` returns it:

        - ``customer_id`` (text, the sample's id ``"0001"``…``"2357"``);
        - ``timestamp`` (the purchase day at 00:00 UTC; the file has dates only);
        - ``touchpoint`` (``"purchase"``), ``channel`` (``"web"``), and the catalogue's
          ``level``, ``stage``, ``direction``, ``controllable``, ``moment_of_truth``;
        - ``value``: the purchase's amount in US dollars (8 purchases of 0.00);
        - ``quantity``: CDs bought;
        - ``master_id``: the customer's id in the full CDNOW data set (text, as in the file).

        Its load report (:func:`cxkit.load_report`) names the file, its SHA-256, the rows
        read and kept, and notes the 21 exact duplicate rows (same customer, day, quantity
        and amount), kept because the file records them as separate purchases.

    Raises
    ------
    DataError
        The shipped file was altered (its SHA-256 differs) or cannot be read.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
       easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.
    .. [2] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
       curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.

    Examples
    --------
    >>> import cxkit
    >>> cdnow = cxkit.datasets.load_cdnow()
    >>> len(cdnow), cdnow["customer_id"].nunique()
    (6919, 2357)
    >>> str(cdnow["timestamp"].min().date()), str(cdnow["timestamp"].max().date())
    ('1997-01-01', '1998-06-30')
    >>> cxkit.load_report(cdnow).rows_kept
    6919
    """
    source = resources.files("cxkit.study") / "data" / "cdnow" / _FILE
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    where = f"cxkit/study/data/cdnow/{_FILE}"
    if digest != CDNOW_SHA256:
        raise DataError(f"the shipped file's SHA-256 is {digest}", file=where,
                        expected=f"{CDNOW_SHA256}: reinstall cxkit")
    with resources.as_file(source) as path:
        raw = pd.read_csv(path, sep=r"\s+", header=None, names=_COLUMNS, dtype=str,
                          engine="python")
    table = pd.DataFrame({"customer_id": raw["customer_id"], "timestamp": raw["date"],
                          "touchpoint": "purchase", "channel": "web",
                          "value": pd.to_numeric(raw["value"]),
                          "quantity": pd.to_numeric(raw["quantity"]).astype("int64"),
                          "master_id": raw["master_id"]})
    events = load_journeys(table, time_format="%Y%m%d", tz="UTC")
    report = load_report(events)
    report.source = where
    report.notes.insert(0, f"file SHA-256 {digest} (as in lifetimes 0.11.3's wheel, "
                           "lifetimes/datasets/CDNOW_sample.txt)")
    report.notes.insert(1, "read as whitespace-separated columns master_id, customer_id, "
                           "date (YYYYMMDD), quantity, value; touchpoint 'purchase' and "
                           "channel 'web' set for every row")
    return events
