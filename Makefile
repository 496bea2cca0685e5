# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PACKAGES := libs services/catalog services/participation services/moderation services/notifications services/gateway
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit integration e2e external browser bench drills install clean

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(PACKAGES))
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(addprefix -e ,$(PACKAGES)) -e '.[dev]'
	touch $(STAMP)

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

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# a fault drill against `radar up` (kills, restarts, refused connections); minutes, not part of test
drills: $(STAMP)
	$(BIN)/python -m benchmarks.drills

clean:
	rm -rf $(VENV)
