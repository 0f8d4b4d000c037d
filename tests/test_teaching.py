"""cxkit.teaching: students' answers are checked against the solution's value, never shown."""

import json
import re
from pathlib import Path

import pytest

import cxkit
from cxkit.teaching import check, exercises
from cxkit.teaching._registry import _REGISTRY, _solved, exercise

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture
def registered():
    """Temporary exercises of each kind (removed afterwards)."""
    made = []

    def make(id, value, **kw):
        exercise(id, **kw)(lambda: value)
        made.append(id)

    yield make
    for id in made:
        _REGISTRY.pop(id, None)
        _solved.cache_clear()


def test_unknown_id_is_a_named_error():
    with pytest.raises(cxkit.DataError, match="no exercise 'nosuch.1'"):
        check("nosuch.1", 1)


def test_numbers_within_the_stated_tolerance(registered):
    registered("t-num.1", 0.474, tolerance=0.01, hint="Use the post-period.")
    assert check("t-num.1", 0.48).correct
    assert "within ±0.01" in repr(check("t-num.1", 0.48))
    wrong = check("t-num.1", 0.5)
    assert wrong.status == "wrong" and not wrong
    assert "hint: Use the post-period." in repr(wrong)
    assert check("t-num.1", float("nan")).status == "invalid"
    assert check("t-num.1", "0.474").status == "invalid"
    assert check("t-num.1", True).status == "invalid"
    assert check("t-num.1", None).status == "unanswered"


def test_relative_tolerance(registered):
    registered("t-rel.1", 200.0, tolerance=0.05, relative=True)
    assert check("t-rel.1", 209).correct and not check("t-rel.1", 211).correct


def test_labels_sets_and_booleans(registered):
    registered("t-lab.1", "Esteem", kind="label")
    registered("t-set.1", ["phone", "store"], kind="set")
    registered("t-bool.1", False, kind="bool")
    assert check("t-lab.1", "  esteem ").correct and not check("t-lab.1", "needs").correct
    assert check("t-set.1", {"Store", "phone"}).correct
    assert not check("t-set.1", ["phone"]).correct
    assert check("t-set.1", "phone").status == "invalid"
    assert check("t-bool.1", False).correct and check("t-bool.1", 0).status == "invalid"


def test_a_verdict_never_shows_the_solution(registered):
    registered("t-secret.1", 0.123456, tolerance=0.001, hint="Think.")
    for answer in (None, 0.9, 0.1235, "x"):
        verdict = check("t-secret.1", answer)
        text = repr(verdict) + verdict._repr_html_()
        assert "0.123" not in text and "0.12" not in text
        assert "\n" not in repr(verdict)  # one line in a notebook


def test_registration_refuses_bad_ids_and_duplicates(registered):
    with pytest.raises(ValueError, match="topic-name.2"):
        exercise("Chapter 8 ex 2")
    registered("t-dup.1", 1.0)
    with pytest.raises(ValueError, match="twice"):
        exercise("t-dup.1")(lambda: 2.0)


def _ids_in_notebooks() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for id in set(re.findall(r"""check\(\s*["']([a-z0-9.-]+)["']""", text)):
            found.setdefault(id, []).append(path.name)
    return found


def test_every_exercise_is_in_exactly_one_notebook_and_vice_versa():
    in_notebooks = _ids_in_notebooks()
    registered = set(exercises()["id"]) - {i for i in exercises()["id"] if i.startswith("doc-")}
    assert sorted(set(in_notebooks) - registered) == [], "checked in a notebook, not registered"
    assert sorted(registered - set(in_notebooks)) == [], "registered, used in no notebook"
    twice = {k: v for k, v in in_notebooks.items() if len(v) > 1}
    assert twice == {}


def test_the_documentation_exercise_is_computed_from_the_sample():
    # the bundled survey's NPS, in points (see cxkit/teaching/topics/doc.py)
    value = _solved("doc-nps.1")
    assert -100 <= value <= 100
    assert check("doc-nps.1", round(value)).correct
