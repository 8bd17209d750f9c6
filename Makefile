# Developer and CI entry points. GNU make; a fresh machine needs only python3, make and npm
# (and apt-get as root, for Chromium). `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM := /usr/bin/chromium
FLASK := $(VENV)/bin/flask --app wsgi

# The database- and Redis-dependent tests, run again against real servers by `make test-services`.
# pytest-xdist processes; every worker gets its own SQLite file and PostgreSQL database.
PYTEST_WORKERS ?= 2
# One more than the cores for the PostgreSQL run: its workers wait on the server's processes.
SERVICE_TEST_WORKERS ?= 3
FORUM_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
FORUM_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help setup run test test-services reliability reliability-postgres bench lighthouse lint \
	format clean distclean

help:
	@echo "make run            set up, migrate, seed demo data once, serve on http://127.0.0.1:$${PORT:-5000}"
	@echo "make test           set up, lint, then the whole test suite (browser tests included)"
	@echo "make test-services  database/Redis tests against PostgreSQL and Redis"
	@echo "                    (FORUM_TEST_DATABASE_URL, FORUM_TEST_REDIS_URL override the defaults)"
	@echo "make reliability    real gunicorn servers under load and faults, on SQLite (and on"
	@echo "                    PostgreSQL too when FORUM_TEST_DATABASE_URL is set)"
	@echo "make reliability-postgres  the same on PostgreSQL and Redis only"
	@echo "make bench          load-test the forum against a minimal Flask baseline (BENCH_ARGS=...)"
	@echo "make lighthouse     Lighthouse 12.2.3 on home, thread, new-thread and search pages, signed"
	@echo "                    in, phone emulation (LIGHTHOUSE_ARGS=...; installs it into bench/lighthouse)"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make format         ruff check --fix and ruff format"
	@echo "make setup          virtualenv, axe-core and Chromium only"
	@echo "make clean          caches; make distclean also removes .venv and node_modules"

setup: $(VENV_STAMP) $(NODE_STAMP) $(CHROMIUM)

# Re-installs whenever a requirements file changes.
$(VENV_STAMP): $(wildcard requirements*.txt)
	@echo "--- installing Python packages into $(VENV)"
	@test -x $(PY) || python3 -m venv $(VENV)
	@# The filter drops a local pip setting's noise about package folders a machine lacks.
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

# axe-core for the accessibility checks in tests/browser/axe.py; oidc-provider, the OpenID
# provider the organisation sign-in tests run on node (tests/oidc/).
$(NODE_STAMP): package.json package-lock.json
	@echo "--- installing axe-core and oidc-provider into node_modules"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium for the browser tests. Never a browser downloaded by Playwright.
$(CHROMIUM):
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "Chromium is missing at $(CHROMIUM) and the browser tests need it." >&2; \
		echo "Install it as root: apt-get update && apt-get install -y chromium" >&2; \
		exit 1; \
	fi
	@echo "--- installing Chromium with apt-get"
	@export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null
	@test -x $(CHROMIUM)

run: $(VENV_STAMP)
	@mkdir -p instance
	@$(FLASK) db upgrade
	@$(FLASK) forum seed-demo
	@echo "--- serving the forum on http://127.0.0.1:$${PORT:-5000}/ (Ctrl-C stops it)"
	@# The background worker (notification emails, digests, sending all email) runs beside the
	@# server and stops with it (the same with or without FORUM_REDIS_URL).
	@$(FLASK) forum worker & worker=$$!; trap 'kill $$worker 2>/dev/null || true' EXIT; \
		FLASK_DEBUG=0 $(FLASK) run --host 127.0.0.1 --port $${PORT:-5000}

test: $(VENV_STAMP) $(NODE_STAMP) $(CHROMIUM)
	@echo "--- ruff check"
	@$(VENV)/bin/ruff check .
	@echo "--- ruff format --check"
	@$(VENV)/bin/ruff format --check .
	@echo "--- pytest ($(PYTEST_WORKERS) workers)"
	@$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# pytest's exit code 5 (no test collected) fails this target like any other non-zero code.
test-services: $(VENV_STAMP)
	@echo "--- pytest against $(FORUM_TEST_DATABASE_URL) and $(FORUM_TEST_REDIS_URL)"
	@FORUM_TEST_DATABASE_URL='$(FORUM_TEST_DATABASE_URL)' \
		FORUM_TEST_REDIS_URL='$(FORUM_TEST_REDIS_URL)' \
		$(VENV)/bin/pytest -n $(SERVICE_TEST_WORKERS) --dist loadgroup \
		-m "not browser and not reliability" -k "postgresql or redis" \
		|| { rc=$$?; [ $$rc -ne 5 ] || echo "test-services: no PostgreSQL or Redis test was collected" >&2; exit $$rc; }

# Real servers on loopback, bounded by counts and timeouts (tests/reliability/conftest.py).
# SQLite always; PostgreSQL too when FORUM_TEST_DATABASE_URL is in the environment.
reliability: $(VENV_STAMP)
	@echo "--- reliability tests (real servers, loads and faults)"
	@FORUM_TEST_REDIS_URL='$(FORUM_TEST_REDIS_URL)' \
		$(VENV)/bin/pytest -m reliability tests/reliability $(RELIABILITY_ARGS)

reliability-postgres: $(VENV_STAMP)
	@echo "--- reliability tests on $(FORUM_TEST_DATABASE_URL) and $(FORUM_TEST_REDIS_URL)"
	@FORUM_TEST_DATABASE_URL='$(FORUM_TEST_DATABASE_URL)' \
		FORUM_TEST_REDIS_URL='$(FORUM_TEST_REDIS_URL)' \
		$(VENV)/bin/pytest -m reliability -k postgresql tests/reliability $(RELIABILITY_ARGS)

# Run by hand (minutes, and it installs wrk with apt-get if missing); see docs/benchmarks.md.
bench: $(VENV_STAMP)
	@$(PY) bench/run.py $(BENCH_ARGS)

# Run by hand (about 4 minutes); needs Node 18.20+ and npm, installs Lighthouse into
# bench/lighthouse/node_modules on first use (its own package.json, not the root one).
lighthouse: $(VENV_STAMP) $(CHROMIUM)
	@$(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)

lint: $(VENV_STAMP)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: $(VENV_STAMP)
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

# instance/ holds the database and uploads: never cleaned.
clean:
	rm -rf .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
		-name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
