"""Data sets shipped with the kit (their code lives in :mod:`cxkit.study.datasets`).

>>> from cxkit import datasets
>>> study = datasets.load_sample()
>>> len(study.customers)
5000
"""

from .study.cdnow import load_cdnow
from .study.datasets import FILES, SAMPLE, checksums, load_sample, main, sample_dir, write_sample

__all__ = ["FILES", "SAMPLE", "checksums", "load_cdnow", "load_sample", "main", "sample_dir",
           "write_sample"]
