"""Reports on a researcher's own files: a study file in, an HTML study report out.

``cxkit report study.toml`` (or :func:`run_report`) checks the study file
(:func:`read_study`), loads the files with :func:`cxkit.load_journeys` and
:func:`cxkit.load_survey` using the file's keys as their parameters, and runs the template
notebook's sections (:mod:`cxkit.report.sections`) in a fresh kernel. ``cxkit study init``
(:func:`init_study`) writes a starter study file from the files' headers.

The top of the data flow: it may import every other part of the kit.
"""

from .example import example_study
from .init import init_study
from .run import run_report
from .study import StudyFile, read_study

__all__ = ["StudyFile", "example_study", "init_study", "read_study", "run_report"]
