"""The package layout of ../shared/DESIGN.md: imports point only downward, no cycle (also not
through imports inside functions), no module over 700 lines, moved modules still resolve."""

import ast
import importlib
import sys
import warnings
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cxkit"

#: Layers from the bottom up; a module may import its own sub-package and anything lower.
LAYERS = {
    "_check": 0, "_docstrings": 0, "_results": 0, "_report": 0, "_read": 0, "_deprecated": 0,
    "_options": 0, "_cells": 0, "_engines": 0,  # #12: options, small cells, safe engines
    "_version": 0, "_privacy": 0,
    "plots": 1,
    "catalogue": 2,
    "io": 3,
    "journeys": 4,
    "metrics": 5,
    "measurement": 6,
    "models": 7,
    "study": 8,
    "teaching": 9,
    "report": 10,
}
TOP = 99  # cxkit/__init__.py and the public facade / alias modules beside it
MAX_LINES = 700


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return TOP
    name = parts[1]
    if name in LAYERS:
        return LAYERS[name]
    return TOP


def _is_package(module: str, modules) -> bool:
    return modules[module].name == "__init__.py"


def _imports(module: str, modules) -> set[str]:
    """Every cxkit module that ``module`` imports, at module level or inside a function."""
    tree = ast.parse(modules[module].read_text())
    package = module if _is_package(module, modules) else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            names = [f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in modules else stem
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name.startswith("cxkit") and name != module:
                found.add(name)
    return found


def test_imports_point_only_downward():
    modules = _modules()
    upward = []
    for module in modules:
        for target in _imports(module, modules):
            same_room = module.split(".")[:2] == target.split(".")[:2]
            base = _layer(module) == _layer(target) == 0  # base modules may use each other
            if target == "cxkit" or (not same_room and not base and _layer(module) != TOP
                                     and _layer(target) >= _layer(module)):
                upward.append(f"{module} -> {target}")
    assert not upward, "imports that do not point down the layers:\n" + "\n".join(upward)


def test_no_import_cycle():
    modules = _modules()
    graph = {m: _imports(m, modules) for m in modules}
    # a package's __init__ re-exports its modules: only edges between different files count
    state, cycles = {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # A sub-package's __init__ importing its own modules, which import siblings through the
    # package, is not a cycle of ideas; report only cycles that do not run through an __init__
    real = [c for c in cycles
            if not any(_is_package(m, modules) for m in c.split(" -> "))]
    assert not real, "import cycles:\n" + "\n".join(real)


def test_no_module_over_700_lines():
    long = {str(path.relative_to(PACKAGE.parent)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


@pytest.mark.parametrize("old, new", [
    ("cxkit.loyalty", "cxkit.models.loyalty"),
    ("cxkit.retention", "cxkit.models.survival"),
    ("cxkit.simulate", "cxkit.study.simulate"),
    ("cxkit.validation", "cxkit.study.validation"),
])
def test_moved_modules_still_resolve_with_a_warning(old, new):
    sys.modules.pop(old, None)
    with pytest.warns(FutureWarning, match=f"{old} moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_every_public_name_is_reachable():
    import cxkit

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in cxkit.__all__:
            assert getattr(cxkit, name) is not None, name


def test_every_name_the_readme_shows_resolves():
    import re

    import cxkit  # noqa: F401

    readme = (PACKAGE.parent / "README.md").read_text()
    moved = {"cxkit.concepts", "cxkit.loyalty", "cxkit.retention", "cxkit.simulate",
             "cxkit.validation"}
    names = set(re.findall(r"`(cxkit(?:\.[A-Za-z_][A-Za-z0-9_]*)+)", readme))
    missing = []
    for name in sorted(names):
        parts = name.split(".")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore" if ".".join(parts[:2]) in moved else "error")
            obj = importlib.import_module("cxkit")
            for i, part in enumerate(parts[1:], start=2):
                if hasattr(obj, part):
                    obj = getattr(obj, part)
                    continue
                try:
                    obj = importlib.import_module(".".join(parts[:i]))
                except ImportError:
                    missing.append(name)
                    break
    assert not missing, f"README names that do not resolve: {missing}"
