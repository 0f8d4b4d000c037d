"""Run a study report: the template notebook executed in a fresh kernel, written as HTML."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from .study import StudyFile, read_study

_EXTRA = 'pip install "cxkit[notebooks]"'


def _notebook_tools():
    try:
        import nbclient
        import nbconvert
        import nbformat
    except ImportError as err:
        raise ImportError(f"`cxkit report` executes a notebook and needs nbclient, nbconvert "
                          f"and ipykernel ({err.name} is missing): {_EXTRA}") from None
    return nbformat, nbclient, nbconvert


def slug(title: str) -> str:
    """A folder name for a report title: lower case, letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "report"


def template():
    """The report's template notebook (package data), as an nbformat notebook."""
    nbformat, _, _ = _notebook_tools()
    text = resources.files("cxkit.report").joinpath("template.ipynb").read_text("utf-8")
    return nbformat.reads(text, as_version=4)


def run_report(study, out=None, *, progress=None, timeout: int = 1800) -> Path:
    """Write an HTML report of a study: every section its data allow, no personal data.

    The study file is checked first (:func:`read_study`); then the template notebook shipped
    with the kit runs in a fresh kernel with the study's path as its parameter, and
    ``index.html`` (code hidden), the executed ``report.ipynb`` and ``manifest.json`` (the
    kit's version, the study file, a SHA-256 of every input file, the seed) are written.

    Parameters
    ----------
    study : str, Path or StudyFile
        The study file.
    out : str or Path, optional
        The output folder (default ``reports/<title>/`` in the current folder).
    progress : callable, optional
        Called with one line of text as each section starts (the console script prints them).
    timeout : int
        Seconds one section may run.

    Returns
    -------
    Path
        The ``index.html`` written.

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.report import example_study, run_report
    >>> folder = tempfile.mkdtemp()
    >>> index = run_report(example_study(folder, 300, seed=1), out=f"{folder}/report")
    >>> index.name, sorted(p.name for p in index.parent.iterdir())
    ('index.html', ['index.html', 'manifest.json', 'report.ipynb'])
    """
    nbformat, nbclient, nbconvert = _notebook_tools()
    study = study if isinstance(study, StudyFile) else read_study(study)
    out = Path(out) if out is not None else Path("reports") / slug(study.title)
    out.mkdir(parents=True, exist_ok=True)
    notebook = template()
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = f"STUDY = {str(study.path.resolve())!r}"

    steps = [tag.split(":", 1)[1] for cell in notebook.cells
             for tag in cell.metadata.get("tags", []) if tag.startswith("section:")]

    def started(cell, cell_index):
        for tag in cell.metadata.get("tags", []):
            if tag.startswith("section:") and progress is not None:
                name = tag.split(":", 1)[1]
                progress(f"[{steps.index(name) + 1:2d}/{len(steps)}] {name}")

    client = nbclient.NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", on_cell_start=started,
        # the kernel's own log (a note on its local TCP ports) is not the report's progress
        extra_arguments=["--log-level=ERROR"],
        resources={"metadata": {"path": str(study.path.parent.resolve())}})
    try:
        client.execute()
    finally:
        nbformat.write(notebook, out / "report.ipynb")
    # No code, and nothing fetched from the web when the page is opened (no MathJax, no
    # require.js from a CDN): the report is one self-contained file.
    exporter = nbconvert.HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                                      exclude_output_prompt=True, mathjax_url="",
                                      require_js_url="")
    html, _ = exporter.from_notebook_node(notebook, resources={"metadata": {
        "name": study.title}})
    index = out / "index.html"
    index.write_text(html, encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest(study), indent=2), encoding="utf-8")
    return index


def manifest(study: StudyFile) -> dict:
    """What makes a report reproducible: kit version, study file, input hashes, seed, time."""
    from .._version import __version__

    return {"cxkit": __version__, "title": study.title, "study_file": str(study.path),
            "study_text": study.path.read_text(encoding="utf-8"), "seed": study.seed,
            "inputs_sha256": study.hashes(),
            "written": datetime.now(UTC).isoformat(timespec="seconds")}
