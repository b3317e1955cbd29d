# The two commands of the README, `make run` and `make test`, and `make bench` and `make fuzz`.
# Everything else is their parts.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench fuzz install install-test assets translations pdf-libs browser java elasticsearch postgres lint seed

run: install assets translations pdf-libs seed  ## Install, load the sample data and serve on http://$(HOST):$(PORT)
	DIRECTORY_SECURE_COOKIES=$${DIRECTORY_SECURE_COOKIES:-false} \
		$(BIN)/directory run --host $(HOST) --port $(PORT)

test: install-test java assets translations pdf-libs browser elasticsearch postgres lint  ## Install everything, run every test on SQLite, then on PostgreSQL
	status=0; \
	$(BIN)/python -m pytest --db sqlite || status=$$?; \
	$(BIN)/python -m pytest --db postgresql || status=$$?; \
	exit $$status

bench: install elasticsearch  ## End-to-end benchmark over HTTP (gunicorn): writes docs/benchmarks.md
	$(BIN)/python bench/run.py

fuzz: install-test translations  ## Schemathesis against the production server, 1,000 cases per API operation
	DIRECTORY_FUZZ_EXAMPLES=$${DIRECTORY_FUZZ_EXAMPLES:-1000} \
		$(BIN)/python -m pytest -s tests/api/test_schemathesis.py -k production_server

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

assets: node_modules/.package-lock.json  ## The State design system (DSFR), from npm

translations: install  ## Compile the gettext catalogues (the .mo files are never committed)
	$(BIN)/pybabel -q compile -d directory/translations

pdf-libs:  ## WeasyPrint's system libraries and the fonts of the sheet's languages, from Debian
	scripts/install-pdf-libs

browser:  ## Debian's Chromium for the page tests (never a downloaded browser)
	scripts/install-browser

java:  ## Debian's Java, which runs the Nu HTML checker of the tests (npm's vnu-jar)
	scripts/install-java

elasticsearch:  ## A real local node (Maven Central's distribution) on 127.0.0.1:9200
	scripts/es-start

postgres:  ## A throw-away local PostgreSQL 15 (Debian's) on 127.0.0.1:55432: prints its URL
	scripts/pg-start

lint: install-test
	$(BIN)/ruff check directory tests bench
	$(BIN)/ruff format --check directory tests bench

seed: install  ## Upgrade the database to the newest migration, then load seed_data/ if empty
	$(BIN)/directory seed
