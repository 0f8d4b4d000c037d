"""Data sets shipped with the kit (their code lives in :mod:`cxkit.study.datasets`).

>>> from cxkit import datasets
>>> study = datasets.load_sample()
>>> len(study.customers)
5000
"""

from .study.cdnow import load_cdnow
from .study.datasets import FILES, SAMPLE, checksums, load_sample, main, sample_dir, write_sample

from .study.published import CORP_REP_GROUPS, load_corp_rep, load_mobi

__all__ = ["CORP_REP_GROUPS", "FILES", "SAMPLE", "checksums", "load_cdnow", "load_corp_rep",
           "load_mobi", "load_sample", "main", "sample_dir", "write_sample"]
