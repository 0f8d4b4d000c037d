# The README's commands. Everything installs into .venv, made with python3 -m venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: report test lab data install clean

## make report: install the kit, execute every notebook in a fresh kernel, write reports/<notebook>.html
## make report DATA=study.toml: the same install, then `cxkit report study.toml` (your own files)
report: $(VENV)/.installed-notebooks
ifdef DATA
	$(BIN)/cxkit report $(DATA)
else
	@mkdir -p reports
	$(BIN)/jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.kernel_name=python3 --output-dir reports $(NOTEBOOKS)
	@echo "Reports written:"
	@for nb in $(NOTEBOOKS); do echo "  reports/$$(basename $$nb .ipynb).html"; done
endif

## make test: the same install, then ruff, then pytest (unit tests, doctests, every notebook, the
## installed wheel, and the Spark tests in local mode, marked `spark`). The Spark tests need Java 17,
## which pip cannot install: without it they are skipped with one line saying so; on CI (the
## variable CI set) a missing or older Java is installed with apt-get first.
JAVA_PACKAGE := openjdk-17-jre-headless
test: $(VENV)/.installed-dev
	@java_major=$$(java -version 2>&1 | sed -nE 's/.*version "(1\.)?([0-9]+).*/\2/p' | head -n 1); \
	if [ -n "$$CI" ] && [ "$${java_major:-0}" -lt 17 ]; then \
		echo "Installing Java 17 for the Spark tests (apt-get install $(JAVA_PACKAGE))..."; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $(JAVA_PACKAGE) >/dev/null; } \
		|| echo "Could not install $(JAVA_PACKAGE): the Spark tests will be skipped."; \
	fi
	$(BIN)/ruff check .
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -rs --nbmake --nbmake-timeout=600 tests cxkit notebooks

## make lab: JupyterLab on notebooks/ with the kit installed
lab: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks/

## make data: regenerate the bundled sample in cxkit/study/data/sample/ (deterministic)
data: $(VENV)/.installed-notebooks
	$(BIN)/python -c "from cxkit.datasets import main; main(['--write', 'cxkit/study/data/sample'])"

install: $(VENV)/.installed-dev

$(BIN)/python:
	@echo "Creating .venv with $(PYTHON) -m venv and upgrading pip..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	@echo "Installing cxkit and its dependencies into .venv (first time: a few minutes, about 1 GB)..."
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing cxkit and its dependencies into .venv (first time: a few minutes, about 1.6 GB with Spark and the test tools)..."
	$(BIN)/python -m pip install --quiet -e ".[notebooks,spark,dev]"
	@touch $@ $(VENV)/.installed-notebooks

clean:
	rm -rf reports .pytest_cache .ruff_cache
