"""The book's chapters (#15): every notebook in notebooks/ has the structure of a chapter.

Each test is parametrised by notebook, with the notebook's file stem as its id, so one chapter
can be checked on its own while others are being rewritten:

    python -m pytest -q tests/test_chapters.py -k "16_churn_and_retention"

The checks read the notebooks' JSON only (nothing is executed; `make test` runs them with
nbmake). What a chapter must have (#15):

- a title ``# NN · Title`` whose NN is the file's number;
- at its start "What you will learn", "Level" and "Prerequisites";
- the headings "Key ideas", "Exercises", "References", in that order;
- at most 2,100 words of markdown (about 2,000, whitespace-split words of markdown cells);
- at least two exercises in the sphinx-exercise markup, each with a student cell, a hidden
  solution whose last line checks the solution's value, and the same ``check`` id in all three;
- references to chapters ("chapter 12", "chapters 06 and 07", "notebook 08", ``12_name``) only
  to chapters that exist; a reference to a higher-numbered chapter only in a sentence that says
  "later";
- no outputs (notebooks are committed without them).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
MAX_WORDS = 2100

TITLE = re.compile(r"^# (\d{2}) · \S")
HEADING = {name: re.compile(rf"^#{{2,3}} {name}\b", re.MULTILINE)
           for name in ("Key ideas", "Exercises", "References")}
EXERCISE = re.compile(r"```\{exercise\}[^\n]*\n:label: (ex-[a-z0-9-]+)\s*\n(.*?)```", re.DOTALL)
SOLUTION_START = re.compile(r"```\{solution-start\} (ex-[a-z0-9-]+)\s*\n")
SOLUTION_END = re.compile(r"```\{solution-end\}")
CHECK_ID = re.compile(r"""check\(\s*["']([a-z0-9-]+\.[0-9]+)["']""")
# "chapter 12", "chapters 06 and 07", "chapters 12–15", "notebook 08", "notebooks 06, 07 or 08"
CHAPTER_REF = re.compile(
    r"\b(?:chapters?|notebooks?)\s+((?:\d{1,2})(?:\s*(?:,|and|or|to|–|-)\s*\d{1,2}\b)*)",
    re.IGNORECASE)
STEM_REF = re.compile(r"\b(\d{2})_[a-z][a-z_]*")


def _number(path: Path) -> int:
    return int(path.name[:2])


EXISTING = {_number(p) for p in PATHS}


def _cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        cell["text"] = "".join(cell["source"])
    return cells


def _markdown(path: Path) -> list[str]:
    return [c["text"] for c in _cells(path) if c["cell_type"] == "markdown"]


def _words(path: Path) -> int:
    return sum(len(text.split()) for text in _markdown(path))


def _referenced(text: str) -> list[int]:
    """Chapter numbers a text refers to (ranges like 12–15 give their ends)."""
    found = [int(n) for group in CHAPTER_REF.findall(text) for n in re.findall(r"\d+", group)]
    return found + [int(n) for n in STEM_REF.findall(text)]


def _sentences(text: str) -> list[str]:
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)  # code blocks are not prose
    return [s for s in re.split(r"(?<=[.!?;])\s+|\n\s*\n|\n- ", text) if s.strip()]


def _body(path: Path) -> list[str]:
    """The markdown cells before the References heading (references may cite book chapters)."""
    out = []
    for text in _markdown(path):
        if HEADING["References"].search(text):
            out.append(text[:HEADING["References"].search(text).start()])
            break
        out.append(text)
    return out


chapters = pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])


def test_there_are_chapters():
    assert PATHS, f"no notebooks in {NOTEBOOKS}"


@chapters
def test_title_carries_the_file_number(path):
    first = _cells(path)[0]
    assert first["cell_type"] == "markdown"
    title = first["text"].splitlines()[0]
    match = TITLE.match(title)
    assert match, f"the first line must read '# NN · Title', got {title!r}"
    assert int(match.group(1)) == _number(path), f"{title!r} in {path.name}"


@chapters
def test_opens_with_what_you_will_learn_level_and_prerequisites(path):
    opening = "\n".join(_markdown(path)[:2])
    for part in ("What you will learn", "Level", "Prerequisites"):
        assert re.search(rf"(\*\*|#+ ){part}\b", opening), f"{path.name}: no '{part}' at the start"


@chapters
def test_closes_with_key_ideas_exercises_and_references(path):
    where = {}
    for k, text in enumerate(_markdown(path)):
        for name, pattern in HEADING.items():
            if name not in where and pattern.search(text):
                where[name] = (k, pattern.search(text).start())
    missing = [name for name in HEADING if name not in where]
    assert not missing, f"{path.name}: no heading {missing}"
    order = [where[name] for name in HEADING]
    assert order == sorted(order), \
        f"{path.name}: the headings must come in the order {list(HEADING)}"


@chapters
def test_at_most_about_two_thousand_words_of_markdown(path):
    assert _words(path) <= MAX_WORDS, f"{path.name}: {_words(path)} words of markdown"


@chapters
def test_at_least_two_exercises_each_with_a_student_cell_and_a_hidden_solution(path):
    cells = _cells(path)
    exercises = []  # (label, check id, cell index)
    for k, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for label, body in EXERCISE.findall(cell["text"]):
                ids = CHECK_ID.findall(body)
                assert len(set(ids)) == 1, f"{path.name}: {label} names no single check id"
                exercises.append((label, ids[0], k))
    assert len(exercises) >= 2, f"{path.name}: {len(exercises)} exercise(s), at least 2 wanted"
    labels = [label for label, _, _ in exercises]
    assert len(set(labels)) == len(labels), f"{path.name}: a label is used twice"

    for label, id, k in exercises:
        # the student cell: a code cell that checks the same id with the student's answer
        student = [c for c in cells[k + 1:] if c["cell_type"] == "code"
                   and "solution" not in c.get("metadata", {}).get("tags", [])][:1]
        assert student and id in CHECK_ID.findall(student[0]["text"]), \
            f"{path.name}: no student cell checking {id!r} after {label}"
        assert "None" in student[0]["text"], f"{path.name}: the student cell of {label} " \
            "must start from None (no answer yet)"
        # the solution: solution-start, hidden code cells tagged solution, solution-end
        starts = [j for j, c in enumerate(cells) if c["cell_type"] == "markdown"
                  and label in SOLUTION_START.findall(c["text"])]
        assert len(starts) == 1, f"{path.name}: {label} has {len(starts)} solution-start cells"
        start = starts[0]
        assert ":class: dropdown" in cells[start]["text"], f"{path.name}: {label} not collapsed"
        ends = [j for j in range(start + 1, len(cells)) if cells[j]["cell_type"] == "markdown"]
        assert ends and SOLUTION_END.search(cells[ends[0]]["text"]), \
            f"{path.name}: the solution of {label} must end with a solution-end cell"
        body = cells[start + 1:ends[0]]
        assert body, f"{path.name}: the solution of {label} is empty"
        for cell in body:
            meta = cell.get("metadata", {})
            assert "solution" in meta.get("tags", []), f"{path.name}: {label}: untagged cell"
            assert meta.get("jupyter", {}).get("source_hidden") is True, \
                f"{path.name}: {label}: the solution's source is not hidden"
        last = body[-1]["text"].strip().splitlines()[-1]
        assert CHECK_ID.findall(last) == [id], \
            f"{path.name}: the solution of {label} must end with check({id!r}, ...)"


@chapters
def test_prerequisites_are_earlier_chapters_that_exist(path):
    opening = "\n".join(_markdown(path)[:2])
    match = re.search(r"Prerequisites(.*?)(\n\s*\n|\Z)", opening, re.DOTALL)
    assert match, f"{path.name}: no Prerequisites paragraph"
    numbers = _referenced(match.group(1))
    assert all(n in EXISTING for n in numbers), \
        f"{path.name}: prerequisites name absent chapters {sorted(set(numbers) - EXISTING)}"
    assert all(n < _number(path) for n in numbers), \
        f"{path.name}: prerequisites must be earlier chapters, got {numbers}"


@chapters
def test_chapter_references_exist_and_later_ones_say_later(path):
    unknown, forward = [], []
    for text in _body(path):
        for sentence in _sentences(text):
            numbers = _referenced(sentence)
            unknown += [n for n in numbers if n not in EXISTING]
            if any(n > _number(path) for n in numbers) and "later" not in sentence.lower():
                forward.append(sentence.strip()[:160])
    assert not unknown, f"{path.name}: refers to chapters {sorted(set(unknown))} that do not exist"
    assert not forward, f"{path.name}: refers forward without saying 'later': {forward}"


@chapters
def test_committed_without_outputs(path):
    dirty = [k for k, c in enumerate(_cells(path)) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs (clear them before committing)"
