"""Build the course book: ``python notebooks/_book/build.py [--teacher] [--out reports]``.

What it does, in order (``make report`` runs it):

1. lays out the book's sources in ``.cache/book/src/``: links to the notebooks of
   ``notebooks/``, the written pages of ``pages/`` beside this file, ``index.md`` (the table of
   contents in reading order, grouped in parts by the notebooks' numbers, so that renamed or new
   notebooks need no edit here), ``glossary.md`` (from ``glossary.toml`` beside this file) and
   one page per data set (each ``##`` section of ``data/README.md`` and every other data card
   ``README.md`` under ``data/`` or a ``data`` folder of the package);
2. runs Sphinx (myst-nb, sphinx-book-theme, sphinx-exercise, sphinx-togglebutton), then copies
   the site into the output folder. Notebooks execute once: myst-nb's cache
   (``nb_execution_mode = "cache"``) keys each notebook on its code cells only, so the cache,
   Sphinx's doctrees and the HTML live in ``.cache/book/<hash>/``, where ``<hash>`` is a SHA-256
   of every file under ``cxkit/`` (path and bytes): a change to any file of the package executes
   every notebook again, a change to one notebook only that one. Folders of older hashes are
   removed. A notebook that raises fails the build;
3. with ``--own-data``, writes the own-data report of the bundled example study
   (``cxkit report data/byod/studio/study.toml``) into ``<out>/own-data/``, linked from the part
   "Your own data".

``--teacher`` builds the same site with every solution open (no toggle) and a banner saying so.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOKS = ROOT / "notebooks"
CACHE = ROOT / ".cache" / "book"

# The parts of the course, by the first chapter number of each; a notebook belongs to the last
# part whose number is not above its own (00-05, 06-07, 08-11, 12-15, 16-17, 18-89, 90-99).
PARTS = [
    (0, "Concepts"),
    (6, "Measurement"),
    (8, "Drivers of loyalty"),
    (12, "Causal effects"),
    (16, "Retention and value"),
    (18, "Journeys at scale"),
    (90, "Your own data"),
]
OWN_DATA_STUDY = ROOT / "data" / "byod" / "studio" / "study.toml"
OWN_DATA_FOLDER = "own-data"


def source_hash() -> str:
    """SHA-256 (first 16 hex digits) of every file under ``cxkit/`` but caches, path and bytes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "cxkit").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def chapters() -> list[Path]:
    """The notebooks of the course, in reading order (their file names start with a number)."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if re.match(r"^\d+_", p.name))


def part_of(notebook: Path) -> str:
    number = int(notebook.name.split("_", 1)[0])
    return [title for start, title in PARTS if start <= number][-1]


def _index(notebooks: list[Path], data_pages: list[str]) -> str:
    lines = [
        "# cxkit: a course in customer-experience research",
        "",
        "The chapters below are the notebooks of `notebooks/`, executed, in reading order: "
        "concepts, then measurement, the drivers of loyalty, causal effects, retention and value, "
        "journeys at scale, and finally your own data. Each chapter opens with what you will "
        "learn, its level and prerequisites, and closes with key ideas, exercises (solutions "
        "hidden behind a toggle; check your answer in the notebook with "
        '`cxkit.teaching.check`) and references. Open any chapter in JupyterLab with `make lab`.',
        "",
    ]
    for _, title in PARTS:
        members = [nb for nb in notebooks if part_of(nb) == title]
        if not members and title != "Your own data":
            continue
        lines += ["```{toctree}", f":caption: {title}", ":maxdepth: 1", ""]
        lines += [nb.stem for nb in members]
        if title == "Your own data":
            lines.append("own_data_report")
        lines += ["```", ""]
    lines += ["```{toctree}", ":caption: Reference", ":maxdepth: 1", "", "exercises", "glossary",
              *data_pages, "```", ""]
    return "\n".join(lines)


def _own_data_page() -> str:
    return "\n".join([
        "# Your own data: the example report",
        "",
        "`cxkit report study.toml` turns your own journey export and survey into one HTML report "
        "of every section your data allow (README, \"A report on your own files\"). "
        "`make report` runs it on the bundled example study, a made-up export of an Italian "
        "retailer with a two-wave survey and a CSR policy launched region by region "
        "(`data/byod/studio/study.toml`, described in {doc}`its data card <data-byod-studio>`):",
        "",
        f'<p><a class="reference external" href="{OWN_DATA_FOLDER}/index.html">'
        "Open the example report</a> (built by <code>make report</code>).</p>",
        "",
        "To run it on your files: `make report DATA=path/to/study.toml`; "
        "`cxkit study init --events ... --survey ...` writes a starter study file.",
        "",
    ])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _promote(markdown: str) -> str:
    """One heading level up (``##`` becomes ``#``), outside fenced code."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append(line[1:] if not fenced and line.startswith("##") else line)
    return "\n".join(out)


LOCAL_LINK = re.compile(r"\[([^\]]+)\]\((?!https?:|mailto:|#)([^)\s]+)\)")


def _unlink(markdown: str, folder: Path) -> str:
    """Links to files of the repository become their path: the site holds only its pages."""
    def plain(match):
        text, target = match.groups()
        path = (folder / target).resolve()
        shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else target
        return text if shown in text else f"{text} (`{shown}`)"

    return LOCAL_LINK.sub(plain, markdown)


def _page_name(heading: str) -> str:
    """``data-`` and the heading's folder (its first code span) or first four words."""
    code = re.match(r"\s*`([^`]+)`", heading)
    if code:
        return "data-" + _slug(code.group(1).removeprefix("data/").split("/data/", 1)[-1])
    return "data-" + _slug(" ".join(re.sub(r"[^\w\s]", " ", heading).split()[:4]))


def data_pages() -> dict[str, str]:
    """``{page name: markdown}``: one page per data set.

    The data cards: every ``README.md`` under ``data/`` (but ``data/README.md``) or under a
    ``data`` folder of the package, and any other ``.md`` file of the package that
    ``data/README.md`` names. Each ``## `` section of ``data/README.md`` is a data set too, unless
    it names one of those cards (then the card, complete, is the page).
    """
    readme = ROOT / "data" / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    cards = [p for p in (ROOT / "data").rglob("README.md") if p != readme]
    cards += [p for p in (ROOT / "cxkit").rglob("README.md") if "data" in p.parts]
    cards += [ROOT / name for name in set(re.findall(r"`(cxkit/[\w/.-]+\.md)`", text))
              if (ROOT / name).is_file() and ROOT / name not in cards]
    named = {p.relative_to(ROOT).as_posix(): p for p in cards}
    pages: dict[str, str] = {}
    for section in re.split(r"(?m)^(?=## )", text)[1:]:
        if not any(path in section for path in named):
            name = _page_name(section.splitlines()[0][3:])
            pages[name] = "# Data set: " + _unlink(_promote(section), readme.parent)[2:]
    for path, card in sorted(named.items()):
        folder = path.removesuffix("/README.md") if card.name == "README.md" else card.stem
        page = _unlink(card.read_text(encoding="utf-8"), card.parent)
        pages.setdefault(_page_name(f"`{folder}`"), re.sub(r"^# (Data cards?: )?", "# Data set: ",
                                                             page))
    return pages


def glossary() -> tuple[str, list[str]]:
    """The glossary page and the chapters it names that are not in ``notebooks/``."""
    terms = tomllib.loads((HERE / "glossary.toml").read_text(encoding="utf-8"))["term"]
    present = {nb.stem for nb in chapters()}
    missing = []
    lines = [
        "# Glossary: English and Italian",
        "",
        "The terms of the five Italian articles the kit is built on, with the English the "
        "course uses and the chapter where each is taught.",
        "",
    ]
    for term in sorted(terms, key=lambda t: t["en"].lower()):
        chapter = term["chapter"]
        if chapter in present:
            where = f"{{doc}}`{chapter}`"  # the link shows the chapter's title
        else:
            missing.append(chapter)
            where = f"{chapter} (missing)"
        lines += [f"**{term['en']}** · *{term['it']}*",
                  f": {term['means']}. Taught in {where}.", ""]
    return "\n".join(lines) + "\n", missing


def write_sources(src: Path) -> list[str]:
    """Lay out the book's sources in ``src``; returns the glossary's missing chapters."""
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for nb in chapters():
        (src / nb.name).symlink_to(nb)
    pages = data_pages()
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text, encoding="utf-8")
    (src / "index.md").write_text(_index(chapters(), list(pages)), encoding="utf-8")
    (src / "own_data_report.md").write_text(_own_data_page(), encoding="utf-8")
    for page in sorted((HERE / "pages").glob("*.md")):  # written pages, e.g. exercises.md
        shutil.copy(page, src / page.name)
    text, missing = glossary()
    (src / "glossary.md").write_text(text, encoding="utf-8")
    return missing


def build(out: Path, *, teacher: bool = False, own_data: bool = False,
          execute: bool = True) -> Path:
    """Build the book into ``out``; returns ``out / "index.html"``."""
    started = time.monotonic()
    key = source_hash()
    keyed = CACHE / key
    if CACHE.exists():  # the caches of older sources are of no further use
        for old in CACHE.iterdir():
            if old.is_dir() and old.name not in (key, "src"):
                shutil.rmtree(old)
    src = CACHE / "src"
    missing = write_sources(src)
    if missing:
        print(f"book: the glossary names chapters not in notebooks/: {sorted(set(missing))}",
              file=sys.stderr)
    cached = len(list((keyed / "jupyter_cache").glob("executed/*"))) if execute else 0
    print(f"book: {len(chapters())} chapters; cache .cache/book/{key}/ (hash of cxkit/) holds "
          f"{cached} executed notebooks; the others execute now (5-50 s each on "
          "2 cores)", file=sys.stderr, flush=True)
    env = {**os.environ, "CXKIT_BOOK_CACHE": str(keyed / "jupyter_cache"),
           "CXKIT_BOOK_TEACHER": "1" if teacher else "", "MPLBACKEND": "Agg",
           "CXKIT_BOOK_EXECUTE": "cache" if execute else "off",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    # Sphinx writes into .cache/book/<hash>/<edition>/html (myst-nb puts the notebooks' outputs
    # beside it, in ../jupyter_execute), then the site is copied to `out`
    edition = keyed / (("teacher" if teacher else "student") + ("" if execute else "-unexecuted"))
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-a", "--keep-going", "-c", str(HERE),
               "-d", str(edition / "doctrees"), str(src), str(edition / "html")]
    shutil.rmtree(edition / "html", ignore_errors=True)  # no page of a renamed notebook stays
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    shutil.copytree(edition / "html", out, dirs_exist_ok=True)
    print(f"book: {out / 'index.html'} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if own_data:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "cxkit", "report", str(OWN_DATA_STUDY), "--out",
                        str(out / OWN_DATA_FOLDER)], check=True, env=env, cwd=ROOT)
        print(f"book: the own-data example report in {time.monotonic() - started:.0f} s",
              file=sys.stderr)
    return out / "index.html"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "reports"))
    parser.add_argument("--teacher", action="store_true", help="solutions open, with a banner")
    parser.add_argument("--own-data", action="store_true",
                        help="also write the own-data report of data/byod/studio/")
    parser.add_argument("--no-execute", action="store_true",
                        help="render the notebooks as saved (no execution; a quick look)")
    args = parser.parse_args(argv)
    build(Path(args.out), teacher=args.teacher, own_data=args.own_data,
          execute=not args.no_execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
