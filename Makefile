# Consult — the two README commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app consult
PORT ?= 5000
HOST ?= 127.0.0.1
# make run: server processes (empty: one per core, at least 2) and threads for pages in each; the live event
# streams take no thread (consult/asgi.py)
WORKERS ?=
THREADS ?= 16
TEST_WORKERS ?= 2
LANGS := fr es it pt ar

.PHONY: run test test-fast install install-dev system-deps chromium redis-server nginx compile-translations translations bench bench-all lint clean help

# Debian packages: pango and fonts for PDF minutes (WeasyPrint, Arabic included), Chromium for browser tests.
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT) (PORT overrides)"
	@echo "make test   - install test tools (Chromium included) and run the whole suite"
	@echo "make test-fast - the suite without browser, PostgreSQL-only and slow tests (the edit loop)"
	@echo "make bench  - the performance goals on SQLite and PostgreSQL, one table (benchmarks/results/goals.md)"
	@echo "make bench-all - every benchmark (figures as ratios, JSON in benchmarks/results/)"
	@echo "make translations - extract strings, update the catalogs, compile them"
	@echo "make lint   - ruff"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

system-deps:
	@missing=""; for pkg in $(SYSTEM_LIBS); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install -q -e ".[postgres]"
	@touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install -q -e ".[dev,postgres]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests (Playwright's own browser download cannot be used here).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium (apt)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi
	@command -v chromium >/dev/null

# Debian's redis-server for the tests of the Redis backends (live events, cache; each test starts its own)
redis-server:
	@if ! command -v redis-server >/dev/null 2>&1; then \
	  echo "Installing Debian's redis-server (apt)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; \
	fi

# Debian's nginx and openssl for the deployment test (tests/deploy/test_cluster.py runs deploy/nginx/ itself,
# without root, in front of two app servers: on the PostgreSQL pass)
nginx:
	@if ! { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then \
	  echo "Installing Debian's nginx and openssl (apt)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx openssl >/dev/null; \
	fi

compile-translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel -q compile -d consult/translations -D messages

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k ngettext:1,2 -k pgettext:1c,2 -k lazy_pgettext:1c,2 --no-location --sort-output \
	  --project Consult --copyright-holder "Consult contributors" -o consult/translations/messages.pot .
	$(VENV)/bin/pybabel -q update -i consult/translations/messages.pot -d consult/translations -D messages --no-fuzzy-matching
	$(VENV)/bin/pybabel -q compile -d consult/translations -D messages

# links in mail, feeds and QR codes, and the Host header accepted, follow the address served (unless set already;
# HOST=0.0.0.0 serves every interface, the links then name this machine's loopback address)
run: export CONSULT_BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: system-deps $(VENV)/.installed compile-translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty --quiet
	$(FLASK) demo accounts
	@echo "Serving on http://$(HOST):$(PORT) as $$CONSULT_BASE_URL (gunicorn + uvicorn: $(or $(WORKERS),one per core (2 at least)) \
	worker processes x $(THREADS) threads for pages, live events on each worker's event loop; and the task consumer)"
	$(PY) -m consult.serve --bind $(HOST):$(PORT) $(if $(WORKERS),--workers $(WORKERS)) --threads $(THREADS)

# Two workers (pytest-xdist), a test file each at a time: the browser tests wait on Chromium as much as they compute.
test: system-deps $(VENV)/.installed-dev chromium redis-server nginx compile-translations lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The edit loop: no browser, no PostgreSQL, no slow sweeps (make test runs everything).
test-fast: $(VENV)/.installed-dev compile-translations
	$(VENV)/bin/pytest -q -m "not browser and not postgres and not slow" $(PYTEST_ARGS)

# make bench: the goals' table (benchmarks/goals.py: the city-scale benchmarks on SQLite and on a throw-away
# PostgreSQL cluster, every figure beside its goal); make bench-all: every benchmark module, one after the other
bench: $(VENV)/.installed-dev compile-translations
	$(PY) -m benchmarks goals

bench-all: $(VENV)/.installed-dev compile-translations
	$(PY) -m benchmarks

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check consult tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache consult/translations/*/LC_MESSAGES/*.mo
