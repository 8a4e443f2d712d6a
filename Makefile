# Two commands do all setup: `make up` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

WIDGET_STAMP := widget/node_modules/.installed
WIDGET_JS := widget/dist/widget.js
WIDGET_SOURCES := $(shell find widget/src -type f 2>/dev/null)

DASHBOARD_STAMP := dashboard/node_modules/.installed
DASHBOARD_INDEX := dashboard/dist/index.html
DASHBOARD_SOURCES := $(shell find dashboard/src -type f 2>/dev/null) dashboard/index.html \
	dashboard/vite.config.ts dashboard/tsconfig.json

.PHONY: calibrate up test lint typecheck unit integration e2e bench lock clean install widget widget-check \
	dashboard dashboard-check dashboard-types

install: $(STAMP) $(WIDGET_JS) $(DASHBOARD_INDEX)

$(STAMP): requirements.lock requirements-nodeps.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -r requirements-nodeps.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# The widget: TypeScript built into one script by esbuild (Node 20 and npm).
$(WIDGET_STAMP): widget/package.json widget/package-lock.json
	cd widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WIDGET_STAMP)

$(WIDGET_JS): $(WIDGET_STAMP) $(WIDGET_SOURCES)
	cd widget && npm run --silent build

widget: $(WIDGET_JS)

widget-check: $(WIDGET_STAMP)
	cd widget && npm run --silent typecheck && npm test --silent

# The dashboard: a React single-page app built by Vite into dashboard/dist, which the API
# serves at /dashboard/. Its API types are generated from the OpenAPI document.
$(DASHBOARD_STAMP): dashboard/package.json dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund --loglevel=error
	@touch $(DASHBOARD_STAMP)

$(DASHBOARD_INDEX): $(DASHBOARD_STAMP) $(DASHBOARD_SOURCES)
	cd dashboard && npm run --silent build

dashboard: $(DASHBOARD_INDEX)

# Regenerate dashboard/src/api/schema.d.ts after changing the API.
dashboard-types: $(STAMP) $(DASHBOARD_STAMP)
	cd dashboard && PYTHON=$(CURDIR)/$(BIN)/python npm run --silent api:types

# Types, component tests, and the generated API types against the API as it is now.
dashboard-check: $(STAMP) $(DASHBOARD_STAMP)
	cd dashboard && npm run --silent typecheck && npm test --silent
	cd dashboard && PYTHON=$(CURDIR)/$(BIN)/python npm run --silent api:check

up: $(STAMP) $(WIDGET_JS) $(DASHBOARD_INDEX)
	$(BIN)/perceptron up

test: $(STAMP) $(WIDGET_JS) $(DASHBOARD_INDEX) lint typecheck widget-check dashboard-check
	$(BIN)/python -m pytest -q -ra

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration tests/replay

e2e: $(STAMP) $(WIDGET_JS) $(DASHBOARD_INDEX)
	$(BIN)/python -m pytest -q tests/e2e

bench: $(STAMP)
	$(BIN)/python -m bench

# Refit the keyless answerability judge (agents/support/answerability.json) on the labelled
# questions; needs PERCEPTRON_CORPUS_DIR.
calibrate: $(STAMP)
	$(BIN)/python -m bench.calibrate

# Re-resolve the pinned dependencies after changing pyproject.toml (requirements-nodeps.lock
# is pinned by hand: its packages are installed without their declared dependencies).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra piper --python-version 3.11 --no-header \
		--annotation-style line -o requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache widget/node_modules widget/dist \
		dashboard/node_modules dashboard/dist
