# The README's commands. Everything installs into .venv, made with python3 -m venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: report test lab data install clean

## make report: install the kit, execute every notebook in a fresh kernel, write reports/<notebook>.html
report: $(VENV)/.installed-notebooks
	@mkdir -p reports
	$(BIN)/jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.kernel_name=python3 --output-dir reports $(NOTEBOOKS)
	@echo "Reports written:"
	@for nb in $(NOTEBOOKS); do echo "  reports/$$(basename $$nb .ipynb).html"; done

## make test: the same install, then ruff, then pytest (unit tests, doctests, every notebook, and
## the Spark tests in local mode, marked `spark`)
test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	MPLBACKEND=Agg $(BIN)/python -m pytest -q --nbmake --nbmake-timeout=600 tests cxkit notebooks

## make lab: JupyterLab on notebooks/ with the kit installed
lab: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks/

## make data: regenerate the bundled sample in cxkit/study/data/sample/ (deterministic)
data: $(VENV)/.installed-notebooks
	$(BIN)/python -c "from cxkit.datasets import main; main(['--write', 'cxkit/study/data/sample'])"

install: $(VENV)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[notebooks,spark,dev]"
	@touch $@ $(VENV)/.installed-notebooks

clean:
	rm -rf reports .pytest_cache .ruff_cache
