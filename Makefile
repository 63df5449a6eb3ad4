# One-command entry points. `make run` and `make test` work on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= kiosk-data
PORT ?= 8550

.PHONY: run test check test-core lint types browser bench clean

$(BIN)/esafety: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

## run: set up, then serve the kiosk on the shipped sample content
run: $(BIN)/esafety
	$(BIN)/esafety kiosk --data $(DATA) --port $(PORT)

## browser: make sure Debian's Chromium is there for the real-browser tests
browser:
	@bash .ci/ensure-chromium

## test: set up, then the whole check: lint, strict types, every test (CI runs this)
test: $(BIN)/esafety browser lint types
	$(BIN)/pytest

## check: the same as test
check: test

## test-core: quick loop: every test but the real-browser ones (no lint, no types)
test-core: $(BIN)/esafety
	$(BIN)/pytest -m "not browser"

## lint / types: ruff (lint and format), mypy strict on the core and the kiosk
lint: $(BIN)/esafety
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
types: $(BIN)/esafety
	$(BIN)/mypy

## bench: print the save-latency, signature, export, merge, content-check, first-load and load figures (not tests)
bench: $(BIN)/esafety
	$(BIN)/python tests/benchmarks/bench_save.py
	$(BIN)/python tests/benchmarks/bench_signatures.py
	$(BIN)/python tests/benchmarks/bench_export.py
	$(BIN)/python tests/benchmarks/bench_merge.py
	$(BIN)/python tests/benchmarks/bench_content_check.py
	$(BIN)/python tests/benchmarks/bench_first_load.py
	$(BIN)/python tests/benchmarks/bench_load.py --pupils 60

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
