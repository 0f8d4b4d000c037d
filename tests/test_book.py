"""The course book (`make report`): exercise markup, the built site, and the site in Chromium.

Three layers, fastest first:

* the exercise markup of every notebook, read from the files (no build): each exercise has a
  solution in a dropdown and the solution cells are collapsed in JupyterLab;
* the book rendered without executing the notebooks (about 20 s): every exercise/solution pair
  renders as a closed dropdown, the table of contents lists every notebook in reading order, the
  glossary links only to chapters that exist;
* the book built as `make report` builds it (notebooks executed, cached in
  ``.cache/book/<hash of cxkit/>/``) and opened in headless Chromium (the Debian package
  ``chromium``; Playwright drives it, no browser is downloaded): no broken internal link, no
  missing image, no console error; one solution opens when clicked; screenshots of the index
  and one chapter are saved in ``reports/screenshots/``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "notebooks" / "_book"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "reports" / "screenshots"


def _build_module():
    spec = importlib.util.spec_from_file_location("cxkit_book_build", BOOK / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()

# --- the markup, read from the notebooks ------------------------------------------------------

EXERCISE = re.compile(r"```\{exercise\}[^\n]*\n:label:\s*(\S+)")
SOLUTION_START = re.compile(r"```\{solution-start\}\s+(\S+)\s*\n((?::[^\n]*\n)*)")
SOLUTION_END = re.compile(r"```\{solution-end\}")


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def exercise_pairs(path: Path) -> tuple[list[str], list[str]]:
    """The exercise labels of a notebook and every problem with their solutions' markup."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    labels, problems, open_solution = [], [], None
    for number, cell in enumerate(cells):
        text = _source(cell)
        where = f"{path.name} cell {number}"
        if cell["cell_type"] == "markdown":
            labels += EXERCISE.findall(text)
            start = SOLUTION_START.search(text)
            if start:
                if open_solution:
                    problems.append(f"{where}: solution of {start.group(1)} starts inside that "
                                    f"of {open_solution}")
                open_solution = start.group(1)
                if ":class: dropdown" not in start.group(2):
                    problems.append(f"{where}: the solution of {open_solution} lacks "
                                    "':class: dropdown' (it would show open)")
                if start.group(1) not in labels:
                    problems.append(f"{where}: solution of {start.group(1)} before or without "
                                    "its exercise")
            if SOLUTION_END.search(text):
                if not open_solution:
                    problems.append(f"{where}: solution-end without solution-start")
                open_solution = None
        elif cell["cell_type"] == "code" and open_solution:
            meta = cell.get("metadata", {})
            if "solution" not in meta.get("tags", []):
                problems.append(f"{where}: a code cell of the solution of {open_solution} lacks "
                                "the tag 'solution'")
            if meta.get("jupyter", {}).get("source_hidden") is not True:
                problems.append(f"{where}: a code cell of the solution of {open_solution} is not "
                                "collapsed in JupyterLab (metadata jupyter.source_hidden)")
        elif cell["cell_type"] == "code" and "solution" in cell.get("metadata", {}).get("tags", []):
            problems.append(f"{where}: a cell tagged 'solution' outside solution-start/end")
    if open_solution:
        problems.append(f"{path.name}: the solution of {open_solution} has no solution-end")
    solved = {m.group(1) for cell in cells if cell["cell_type"] == "markdown"
              for m in SOLUTION_START.finditer(_source(cell))}
    problems += [f"{path.name}: exercise {label} has no solution" for label in labels
                 if label not in solved]
    return labels, problems


def test_every_exercise_has_a_dropdown_solution_hidden_in_jupyterlab():
    problems = []
    for notebook in build.chapters():
        problems += exercise_pairs(notebook)[1]
    assert not problems, "\n".join(problems)


def test_the_markup_check_sees_a_solution_left_open(tmp_path):
    def md(text):
        return {"cell_type": "markdown", "metadata": {}, "source": text}

    cells = [md("```{exercise} T\n:label: ex-x-1\n\nTask.\n```"),
             md("```{solution-start} ex-x-1\n```"),
             {"cell_type": "code", "metadata": {}, "source": "1", "outputs": [],
              "execution_count": None},
             md("```{solution-end}\n```")]
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    labels, problems = exercise_pairs(path)
    assert labels == ["ex-x-1"]
    assert len(problems) == 3  # no dropdown class, no tag, not collapsed


def test_the_glossary_links_only_to_chapters_in_notebooks():
    terms = tomllib.loads((BOOK / "glossary.toml").read_text(encoding="utf-8"))["term"]
    present = {nb.stem for nb in build.chapters()}
    missing = sorted({term["chapter"] for term in terms} - present)
    assert not missing, f"the glossary names chapters not in notebooks/: {missing}"
    for needed in ("coinvolgimento", "interazione", "esperienza", "punto di contatto",
                   "momento della verità", "fidelizzazione", "responsabilità sociale d'impresa",
                   "personalizzazione", "dialogo costante"):
        assert any(needed in term["it"] for term in terms), needed


def test_parts_follow_the_chapter_numbers():
    part = {n: build.part_of(Path(f"{n:02d}_x.ipynb")) for n in (0, 5, 6, 7, 8, 11, 12, 15, 16,
                                                                   17, 18, 90)}
    assert part == {0: "Concepts", 5: "Concepts", 6: "Measurement", 7: "Measurement",
                    8: "Drivers of loyalty", 11: "Drivers of loyalty", 12: "Causal effects",
                    15: "Causal effects", 16: "Retention and value", 17: "Retention and value",
                    18: "Journeys at scale", 90: "Your own data"}


def test_the_source_hash_changes_with_any_file_of_the_package(tmp_path, monkeypatch):
    (tmp_path / "cxkit" / "sub").mkdir(parents=True)
    (tmp_path / "cxkit" / "a.py").write_text("x = 1\n")
    (tmp_path / "cxkit" / "sub" / "data.csv").write_text("a\n1\n")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    first = build.source_hash()
    (tmp_path / "cxkit" / "sub" / "data.csv").write_text("a\n2\n")
    assert build.source_hash() != first


# --- the book rendered without execution ------------------------------------------------------

class _Page(HTMLParser):
    """Ids, links, images, and the class lists of every element of one HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.ids, self.links, self.elements = set(), [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        self.elements.append((tag, attrs.get("id"), (attrs.get("class") or "").split()))


SOLUTION_BOX = re.compile(r'<div class="([^"]*\bsolution\b[^"]*)"[^>]*>\s*'
                          r'<p class="admonition-title">[^<]*'
                          r'<a class="reference internal" href="#([^"]+)"')


@pytest.fixture(scope="module")
def book_off(tmp_path_factory):
    pytest.importorskip("myst_nb", reason="the book needs the book extra: pip install -e '.[book]'")
    return build.build(tmp_path_factory.mktemp("book") / "site", execute=False).parent


def test_every_exercise_renders_with_a_closed_dropdown_solution(book_off):
    pages = {nb.stem: exercise_pairs(nb)[0] for nb in build.chapters()}
    pages["exercises"] = ["ex-book-demo-1"]  # the book's own example, so the check always runs
    for page, labels in pages.items():
        html = (book_off / f"{page}.html").read_text(encoding="utf-8")
        ids = _Page(html).ids
        # a solution box: <div class="solution dropdown admonition" ...> whose title links to
        # its exercise
        solutions = {target: classes.split() for classes, target in SOLUTION_BOX.findall(html)}
        for label in labels:
            assert label in ids, f"{page}: exercise {label} not rendered"
            assert label in solutions, f"{page}: no solution box for {label}"
            assert "dropdown" in solutions[label], f"{page}: the solution of {label} is not " \
                "a dropdown"
            assert "toggle-shown" not in solutions[label], f"{page}: the solution of {label} " \
                "shows open"


def _notebook(cells) -> str:
    def cell(kind, text, metadata=None):
        extra = {"outputs": [], "execution_count": None} if kind == "code" else {}
        return {"cell_type": kind, "metadata": metadata or {}, "source": text, **extra}

    return json.dumps({"cells": [cell(*c) for c in cells], "nbformat": 4, "nbformat_minor": 5,
                       "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                   "language": "python"}}})


def test_the_markup_of_the_brief_puts_the_solution_code_in_the_dropdown(tmp_path, monkeypatch):
    """The exercise markup of CONTRIBUTING, in a notebook of its own, built as the book builds."""
    hidden = {"tags": ["solution"], "jupyter": {"source_hidden": True}}
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "03_demo.ipynb").write_text(_notebook([
        ("markdown", "# 03 · A demo chapter\n\nText."),
        ("markdown", "```{exercise} Count the circles\n:label: ex-demo-1\n\nThe task. Check "
                     'your answer with `check("demo.1", answer)`.\n```'),
        ("code", 'my_answer = None  # your answer here\ncheck("demo.1", my_answer)'),
        ("markdown", "```{solution-start} ex-demo-1\n:class: dropdown\n```"),
        ("code", 'SOLUTION_VALUE = 3\ncheck("demo.1", SOLUTION_VALUE)', hidden),
        ("markdown", "```{solution-end}\n```"),
    ]))
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(build, "CACHE", tmp_path / ".cache" / "book")
    assert exercise_pairs(tmp_path / "notebooks" / "03_demo.ipynb") == (["ex-demo-1"], [])
    site = build.build(tmp_path / "site", execute=False).parent
    html = (site / "03_demo.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="[^"]*\bexercise\b[^"]*" id="ex-demo-1"', html)
    box = re.search(r'<div class="solution dropdown admonition"[^>]*>(.*?)</section>', html, re.S)
    assert box and 'href="#ex-demo-1"' in box.group(1)
    assert "SOLUTION_VALUE" in box.group(1), "the solution's code cell is not inside its dropdown"
    student = html.index("my_answer")
    assert student < html.index('class="solution dropdown')  # the student cell stays outside
    assert "tag_solution" in box.group(1)


def test_the_index_lists_every_chapter_in_reading_order(book_off):
    html = (book_off / "index.html").read_text(encoding="utf-8")
    positions = [html.find(f'href="{nb.stem}.html"') for nb in build.chapters()]
    assert -1 not in positions, "a notebook is missing from the table of contents"
    assert positions == sorted(positions)
    for _, title in build.PARTS:
        if title == "Your own data" or any(build.part_of(nb) == title for nb in build.chapters()):
            assert title in html, title
    for page in ("glossary.html", "exercises.html", "own_data_report.html",
                 *(f"{name}.html" for name in build.data_pages())):
        assert f'href="{page}"' in html, page


def test_the_glossary_page_links_each_term_to_its_chapter(book_off):
    parsed = _Page((book_off / "glossary.html").read_text(encoding="utf-8"))
    terms = tomllib.loads((BOOK / "glossary.toml").read_text(encoding="utf-8"))["term"]
    present = {nb.stem for nb in build.chapters()}
    for chapter in {t["chapter"] for t in terms} & present:
        assert f"{chapter}.html" in parsed.links, chapter


def test_the_teacher_edition_shows_every_solution(tmp_path):
    pytest.importorskip("myst_nb", reason="the book needs the book extra: pip install -e '.[book]'")
    site = build.build(tmp_path / "site", teacher=True, execute=False).parent
    html = (site / "exercises.html").read_text(encoding="utf-8")
    assert "Teacher edition" in html
    # sphinx-togglebutton collapses only what its selector matches: nothing, here
    assert re.search(r"togglebuttonSelector\s*=\s*'\.cxkit-no-toggle'", html)


# --- the book built as `make report` builds it, in Chromium -----------------------------------

def _local_target(page: Path, href: str) -> tuple[Path, str] | None:
    """The file and fragment an internal link points to; None for external links."""
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto", "data", "javascript"):
        return None
    if parts.scheme == "file":
        return Path(unquote(parts.path)), parts.fragment
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    return target, parts.fragment


@pytest.fixture(scope="module")
def book_site(tmp_path_factory):
    pytest.importorskip("myst_nb", reason="the book needs the book extra: pip install -e '.[book]'")
    return build.build(tmp_path_factory.mktemp("book") / "site", own_data=True).parent


VERDICT = re.compile(r'class="cxkit-verdict cxkit-verdict-(\w+)"')


def test_every_solution_checks_correct_and_no_student_cell_is_answered(book_site):
    # each exercise's solution cell ends with check(id, <its value>): executed, it must agree
    # with the value registered in cxkit/teaching/topics (else the two have drifted apart); each
    # student cell holds None, so its verdict is "no answer yet"
    for nb in build.chapters():
        labels = exercise_pairs(nb)[0]
        html = (book_site / f"{nb.stem}.html").read_text(encoding="utf-8")
        found = VERDICT.findall(html)
        assert found.count("correct") == len(labels), f"{nb.stem}: {found}"
        assert found.count("unanswered") == len(labels), f"{nb.stem}: {found}"
        assert set(found) <= {"correct", "unanswered"}, f"{nb.stem}: {found}"


def test_the_book_in_chromium(book_site):
    if not CHROMIUM.exists():
        pytest.skip("the browser test needs Chromium: apt-get install chromium "
                    "(make test installs it on CI)")
    pytest.importorskip("playwright", reason="the browser test needs playwright: pip install "
                        "-e '.[dev]' (the Python package only; never `playwright install`)")
    from playwright.sync_api import sync_playwright

    pages = [book_site / "index.html", *(book_site / f"{nb.stem}.html" for nb in build.chapters()),
             *sorted(p for p in book_site.glob("*.html")
                     if p.stem in {"glossary", "exercises", "own_data_report"}
                     or p.stem.startswith("data-"))]
    problems, external = [], set()
    ids: dict[Path, set[str]] = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def offline(route):  # the site must not need the network; note what it asks for
            external.add(route.request.url.split("?")[0])
            route.fulfill(status=200, body="", content_type="text/plain")

        page.route(re.compile(r"^https?://"), offline)
        for path in pages:
            assert path.exists(), f"{path.name} was not built"
            errors.clear()
            page.goto(path.as_uri(), wait_until="load")
            broken = page.evaluate("""async () => {
                const imgs = Array.from(document.images);
                imgs.forEach(i => { i.loading = 'eager'; });
                await Promise.all(imgs.map(i => i.decode().catch(() => null)));
                return imgs.filter(i => i.naturalWidth === 0).map(i => i.currentSrc || i.src);
            }""")
            problems += [f"{path.name}: missing image {src[:80]}" for src in broken]
            problems += [f"{path.name}: console error {text[:200]}" for text in errors]
            ids[path.resolve()] = set(page.evaluate(
                "Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.name)"))
            hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]'))"
                                  ".map(a => a.getAttribute('href'))")
            for href in hrefs:
                target = _local_target(path, href)
                if target is None:
                    continue
                file, fragment = target
                if not file.exists():
                    problems.append(f"{path.name}: broken link {href}")
                elif fragment and file.suffix == ".html":
                    if file.resolve() not in ids:
                        ids[file.resolve()] = _Page(file.read_text(encoding="utf-8")).ids
                    if unquote(fragment) not in ids[file.resolve()]:
                        problems.append(f"{path.name}: link {href} to a missing anchor")
        page.goto((book_site / "index.html").as_uri(), wait_until="load")
        page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=False)

        # one solution: the first chapter that has one, else the book's example page
        with_solution = [p for p in pages[1:] if 'class="solution' in p.read_text(encoding="utf-8")
                         and p.stem != "exercises"] or [book_site / "exercises.html"]
        chapter = with_solution[0]
        page.goto(chapter.as_uri(), wait_until="load")
        solution = page.locator("div.solution.dropdown").first
        body = solution.locator(":scope > :not(.admonition-title)").first
        solution.scroll_into_view_if_needed()
        assert not body.is_visible(), f"{chapter.name}: a solution shows before it is clicked"
        # sphinx-togglebutton's button in the title (the rest of the title links to the exercise)
        solution.locator("button.toggle-button").first.click()
        body.wait_for(state="visible", timeout=5000)
        assert body.is_visible(), f"{chapter.name}: clicking the solution did not open it"
        assert solution.inner_text().strip()
        page.wait_for_timeout(600)  # the box fades in
        page.screenshot(path=str(SCREENSHOTS / f"{chapter.stem}-solution-open.png"))
        first_chapter = pages[1] if len(pages) > 1 else pages[0]
        page.goto(first_chapter.as_uri(), wait_until="load")
        page.screenshot(path=str(SCREENSHOTS / f"{first_chapter.stem}.png"), full_page=False)
        browser.close()
    assert not problems, "\n".join(problems)
    print(f"book in Chromium: {len(pages)} pages; external requests answered empty "
          f"(the site needs no network; MathJax comes from its CDN when online): "
          f"{sorted(external)}")
