# The README's commands. Everything installs into .venv, made with python3 -m venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: report test lab data install clean

## make report: install the kit with the book extra, then build the course book into reports/
##   (reports/index.html: chapters in reading order, glossary, data sets; notebooks execute once
##   and are cached in .cache/book/<hash of cxkit/>/), then the own-data report of the bundled
##   example study into reports/own-data/ (the book's part "Your own data" links to it).
## make report TEACHER=1: the same book with every solution open and a banner saying so, into
##   reports/ too (it replaces the student edition: build again without TEACHER before publishing).
## make report DATA=study.toml: the notebooks install, then `cxkit report study.toml` (your own files)
report: $(if $(DATA),$(VENV)/.installed-notebooks,$(VENV)/.installed-book)
ifdef DATA
	$(BIN)/cxkit report $(DATA)
else
	@echo "Building the book: every notebook executes once (first time about 3½ minutes on 2 cores, then about 20 s)..."
	$(BIN)/python notebooks/_book/build.py --own-data $(if $(TEACHER),--teacher)
	@echo "Book written: reports/index.html (own-data example: reports/own-data/index.html)"
endif

## make test: the same install, then ruff, then pytest (unit tests, doctests, every notebook, the
## installed wheel, the book built and opened in headless Chromium, and the Spark tests in local
## mode, marked `spark`). The Spark tests need Java 17 and the browser test the Debian package
## chromium (/usr/bin/chromium), which pip cannot install: without them those tests are skipped
## with one line saying so; on CI (the variable CI set) they are installed with apt-get first.
JAVA_PACKAGE := openjdk-17-jre-headless
test: $(VENV)/.installed-dev
	@java_major=$$(java -version 2>&1 | sed -nE 's/.*version "(1\.)?([0-9]+).*/\2/p' | head -n 1); \
	if [ -n "$$CI" ] && [ "$${java_major:-0}" -lt 17 ]; then \
		echo "Installing Java 17 for the Spark tests (apt-get install $(JAVA_PACKAGE)); apt-get lists each package..."; \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends $(JAVA_PACKAGE); } \
		|| echo "Could not install $(JAVA_PACKAGE): the Spark tests will be skipped."; \
	fi
	@if [ -n "$$CI" ] && [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium for the browser test of the book (apt-get install chromium, about 290 MB installed); apt-get lists each package..."; \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } \
		|| echo "Could not install chromium: the browser test of the book will be skipped."; \
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

# Install times and sizes, measured on fresh venvs (Python 3.11, 2 cores, fast connection):
# [notebooks,book] 51 s on an idle machine, 5.5 min with other jobs on the cores, 1.7 GB;
# [notebooks] 1.6 GB; [notebooks,book,spark,dev] 3.6 min under load, 2.5 GB.
$(BIN)/python:
	@echo "Creating .venv with $(PYTHON) -m venv and upgrading pip (a few seconds)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	@echo "Installing cxkit with JupyterLab into .venv: first time 1-5 minutes, about 1.6 GB; pip lists each package..."
	$(BIN)/python -m pip install --progress-bar on -e ".[notebooks]"
	@touch $@

$(VENV)/.installed-book: pyproject.toml | $(BIN)/python
	@echo "Installing cxkit with JupyterLab and Sphinx (the book) into .venv: first time 1-5 minutes, about 1.7 GB; pip lists each package..."
	$(BIN)/python -m pip install --progress-bar on -e ".[notebooks,book]"
	@touch $@ $(VENV)/.installed-notebooks

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing cxkit with everything (notebooks, book, Spark, test tools) into .venv: first time 2-5 minutes, about 2.5 GB; pip lists each package..."
	$(BIN)/python -m pip install --progress-bar on -e ".[notebooks,book,spark,dev]"
	@touch $@ $(VENV)/.installed-notebooks $(VENV)/.installed-book

clean:
	rm -rf reports .cache/book .pytest_cache .ruff_cache
