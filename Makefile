# Everything a person runs. The README names the two that matter: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/redress
DEMO_PORT ?= 8000
DEMO_ENV := DATABASE_URL=sqlite:///$(CURDIR)/var/redress.sqlite3 \
	EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend DEBUG=false

.PHONY: demo test venv lint typecheck migrations-check pytest bench clean dev config-reference worker

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# axe-core for the browser tests' accessibility check, at the version package-lock.json pins.
# npm keeps the package's own file dates, so the touch marks when it was installed.
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "npm is missing; installing Debian's package for axe-core" >&2; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; } || \
	  { echo "could not install npm: run 'apt-get install npm' as root" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $(AXE)

## Start Redress with demo data on SQLite at http://127.0.0.1:8000 (another port: DEMO_PORT=8001)
demo: $(STAMP)
	mkdir -p var
	$(DEMO_ENV) $(BIN)/redress demo --port $(DEMO_PORT)

## Run the background worker against the database in DATABASE_URL (`make demo` starts its own).
worker: $(STAMP)
	$(BIN)/redress worker

## Install what the tests need and run them all against PostgreSQL, with lint and type checks.
test: $(STAMP) lint typecheck migrations-check pytest

lint: $(STAMP)
	$(BIN)/ruff check redress tests e2e bench
	$(BIN)/ruff format --check redress tests e2e bench

typecheck: $(STAMP)
	$(BIN)/mypy redress

migrations-check: $(STAMP)
	# The models' migration state does not depend on the server: check it on an in-memory SQLite.
	DATABASE_URL=sqlite://:memory: $(BIN)/redress makemigrations --check --dry-run

pytest: $(STAMP) $(AXE) $(CHROMIUM)
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n auto -p no:cacheprovider

# The browser tests drive Debian's Chromium (Playwright never downloads its own browser).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "Chromium is missing; installing Debian's package for the browser tests" >&2
	DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || \
	  { echo "could not install Chromium: run 'apt-get install chromium' as root" >&2; exit 1; }

## Benchmarks on data of realistic size; figures go to bench/results/.
bench: $(STAMP)
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m bench

## Regenerate docs/configuration.md from the settings (a test fails if it is out of date).
config-reference: $(STAMP)
	mkdir -p docs
	$(BIN)/redress config-reference > docs/configuration.md

dev: $(STAMP)

clean:
	rm -rf $(VENV) var build *.egg-info
