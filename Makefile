# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PACKAGES := libs services/catalog services/participation services/moderation services/notifications services/gateway
# the project's own packages (the root one and PACKAGES): installed from here, never from the lock
OWN := digitalisierungsradar radar-lib radar-catalog radar-participation radar-moderation radar-notifications radar-gateway
LOCK := requirements.lock
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit integration e2e external browser schemathesis bench drills install lock clean

# Every dependency comes from the lock, pinned with its hashes; then the project's own packages,
# without dependencies, built by the setuptools from the lock. `pip check` fails when a
# pyproject.toml needs something the lock lacks: run `make lock`.
$(STAMP): $(LOCK) pyproject.toml $(addsuffix /pyproject.toml,$(PACKAGES))
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(addprefix -e ,$(PACKAGES)) -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Pins every dependency of the pyproject.toml files (the dev extra included) with hashes, for
# every platform and Python 3.11+. Keeps the pins it can; LOCK_FLAGS=--upgrade moves them all
# to the newest releases, LOCK_FLAGS="--upgrade-package NAME" one of them.
LOCK_FLAGS ?=
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv>=0.9,<1"
	{ echo "-e .[dev]"; printf -- '-e ./%s\n' $(PACKAGES); echo "setuptools>=68"; } | $(BIN)/uv pip compile - \
	  --universal --python-version 3.11 --generate-hashes --quiet --custom-compile-command "make lock" \
	  $(addprefix --no-emit-package ,$(OWN)) $(LOCK_FLAGS) -o $(LOCK)

AXE := tests/browser/node_modules/.installed

# axe-core for the accessibility tests; without npm those tests skip and say why.
$(AXE): tests/browser/package-lock.json
	@if command -v npm >/dev/null; then cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

install: $(STAMP)

run: $(STAMP)
	$(BIN)/radar up

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck $(AXE)
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest -m unit

integration: $(STAMP)
	$(BIN)/python -m pytest -m integration

e2e: $(STAMP)
	$(BIN)/python -m pytest -m e2e

external: $(STAMP)
	$(BIN)/python -m pytest -m external

browser: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -m browser

schemathesis: $(STAMP)
	$(BIN)/python -m pytest -m schemathesis

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# a fault drill against `radar up` (kills, restarts, refused connections); minutes, not part of test
drills: $(STAMP)
	$(BIN)/python -m benchmarks.drills

clean:
	rm -rf $(VENV)
