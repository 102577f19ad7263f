# Two commands matter: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
VENDOR := dashboard/static/vendor/.stamp
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
N ?= 1000

.PHONY: build run test lint bench eval corpus chromium postgres screenshot clean help

help:
	@echo "make run    - build, ingest the seeds on first use, start the dashboard"
	@echo "make test   - build, lint, run the whole test suite (incl. one real-browser test)"
	@echo "make bench  - print throughputs and ratios (writes bench/results.json)"
	@echo "make eval   - score the extractor on every gold set (real articles first), one table"
	@echo "make screenshot - refresh docs/screenshot.png (the browser test, offline)"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Leaflet & co. from the npm registry, so the map draws with no network at run time.
$(VENDOR): scripts/vendor_assets.sh
	bash scripts/vendor_assets.sh

build: $(STAMP) $(VENDOR)

# Debian's chromium for the real-browser test (never `playwright install`: it downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# Debian's PostgreSQL + PostGIS for the PostGIS store tests (the tests start their own private server).
postgres:
	@{ ls /usr/lib/postgresql/*/bin/initdb && ls /usr/share/postgresql/*/extension/postgis.control; } >/dev/null 2>&1 \
		|| { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q postgresql postgis; }

run: build
	$(VENV)/bin/geo dashboard

lint: $(STAMP)
	$(VENV)/bin/ruff check geo gazetteer dashboard tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: build chromium postgres lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: build
	$(PY) bench/run.py

eval: $(STAMP)
	$(PY) -m geo.devtools.evaluate --errors
	$(PY) -m geo.devtools.calibrate --check

corpus: $(STAMP)
	$(PY) -m geo.devtools.corpus -n $(N) -o data/corpus
	@echo "score it: $(VENV)/bin/geo evaluate data/corpus.gold.jsonl --seeds data/corpus"

clean:
	rm -rf $(VENV) dashboard/static/vendor .mypy_cache .ruff_cache .pytest_cache

screenshot: build chromium
	GEO_UPDATE_SCREENSHOT=1 $(PY) -m pytest -q tests/dashboard/test_browser.py -k follows_the_slider
	$(PY) scripts/screenshot.py --synthetic 100000 -o docs/screenshot_100k.png
